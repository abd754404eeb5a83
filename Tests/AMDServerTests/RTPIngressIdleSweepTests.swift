import AMDCore
import Logging
import NIOCore
import NIOEmbedded
import RTP
import Testing

@testable import AMDServer

/// The RTP handler's idle sweep on an `EmbeddedChannel`: the event loop's clock is advanced by hand, so the test
/// waits for nothing and the timeout is checked to the millisecond.
struct RTPIngressIdleSweepTests {
    /// A handler on an active embedded channel, with the settings the daemon uses and `idleTimeout`.
    func embeddedHandler(idleTimeout: Duration, sink: RecordingSink) async throws -> EmbeddedChannel {
        let settings = RTPIngressHandler.Settings(
            idleTimeout: idleTimeout, allow: [], maxStreams: 8,
            reassembler: .init(playsInOrderPacketsAtOnce: true),
            muLawDetector: try StreamDetector(encoding: .muLaw, sampleRate: RTPAudioCodec.clockRateHz),
            aLawDetector: try StreamDetector(encoding: .aLaw, sampleRate: RTPAudioCodec.clockRateHz))
        let handler = RTPIngressHandler(
            settings: settings, sink: sink, metrics: ServerMetrics(), logger: .init(label: "test"))
        let channel = EmbeddedChannel(handler: handler)
        // Connecting makes the channel active, which schedules the sweep on the embedded loop.
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).get()
        return channel
    }

    /// Ten 20 ms packets of µ-law silence from one source, in sequence.
    func sendPackets(to channel: EmbeddedChannel) throws {
        let source = try SocketAddress(ipAddress: "127.0.0.1", port: 5004)
        let payload = [UInt8](repeating: 0xFF, count: 160)[...]
        for index in 0..<10 {
            let datagram = rtpDatagram(
                sequence: UInt16(index), timestamp: UInt32(index) * 160, ssrc: 0x1D1E, payload: payload)
            let envelope = AddressedEnvelope(remoteAddress: source, data: ByteBuffer(bytes: datagram))
            try channel.writeInbound(envelope)
        }
    }

    @Test func anIdleStreamEndsItsCallOnceTheTimeoutPassed() async throws {
        let sink = RecordingSink()
        let channel = try await embeddedHandler(idleTimeout: .milliseconds(300), sink: sink)
        try sendPackets(to: channel)
        guard case .open(let descriptor)? = sink.all.first else {
            Issue.record("no call opened: \(sink.all)")
            return
        }
        #expect(descriptor.codec == "PCMU")
        #expect(descriptor.ssrc == 0x1D1E)

        // The sweep runs every 75 ms (a quarter of the timeout): at 225 ms the stream is 225 ms idle, still open.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(225))
        #expect(!sink.all.contains { if case .close = $0 { true } else { false } })
        // At 300 ms it has been idle for the whole timeout.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(75))
        let closes = sink.all.compactMap { report -> (CallCounters, CallEndReason)? in
            if case .close(let counters, let reason) = report { (counters, reason) } else { nil }
        }
        #expect(closes.count == 1)
        #expect(closes.first?.1 == .idle)
        #expect(closes.first?.0 == CallCounters(audioMs: 200, packets: 10, packetsLost: 0))
        _ = try await channel.finish()
    }

    @Test func aStreamStillSendingIsNotSwept() async throws {
        let sink = RecordingSink()
        let channel = try await embeddedHandler(idleTimeout: .milliseconds(300), sink: sink)
        try sendPackets(to: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(250))
        // A late packet of the same stream resets its idle time (a duplicate, but it arrived).
        try sendPackets(to: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(250))
        #expect(!sink.all.contains { if case .close = $0 { true } else { false } })
        // Closing the channel ends the call as a shutdown, with every packet counted.
        _ = try await channel.finish()
        guard case .close(let counters, let reason)? = sink.all.last else {
            Issue.record("the call was not closed: \(sink.all)")
            return
        }
        #expect(reason == .shutdown)
        #expect(counters.packets == 20)
    }
}
