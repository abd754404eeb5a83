import AMDCore
import AMDServer
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The repository's sample call: a spoken voicemail greeting, then a 1 kHz beep, as 8 kHz µ-law WAV.
let sampleCallPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Samples/voicemail-beep.wav").path

/// The µ-law samples of a µ-law WAV file (its `data` chunk).
func muLawSamples(ofWAV path: String) throws -> [UInt8] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var offset = 12
    while offset + 8 <= bytes.count {
        let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
        let size =
            Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
            | Int(bytes[offset + 7]) << 24
        if id == "data" { return Array(bytes[(offset + 8)..<min(bytes.count, offset + 8 + size)]) }
        offset += 8 + size + size % 2
    }
    throw TestFailure("no data chunk in \(path)")
}

/// The beeps `StreamDetector` finds in `samples` (µ-law at 8 kHz) given whole, as `amd-edge detect` would.
func beepsDetectedDirectly(muLaw samples: [UInt8]) throws -> [BeepEvent] {
    var detector = try StreamDetector(encoding: .muLaw, sampleRate: 8000)
    var events: [BeepEvent] = []
    let onOutput: (BeepDetector.Output) -> Void = { if let event = $0.beep { events.append(event) } }
    samples.withUnsafeBytes { detector.process($0, onOutput: onOutput) }
    detector.processSilence(sampleCount: 8000, onOutput: onOutput)
    return events
}

/// One RTP datagram: a 12-byte header (no CSRC, extension or padding) and `payload`.
func rtpDatagram(
    sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payloadType: UInt8 = 0, marker: Bool = false,
    payload: ArraySlice<UInt8>
) -> [UInt8] {
    var bytes: [UInt8] = [0x80, (marker ? 0x80 : 0) | payloadType]
    bytes += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    bytes += [
        UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF),
    ]
    bytes += [UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
    return bytes + payload
}

/// The 20 ms (160-sample) RTP packets of a µ-law stream, in order, starting at the given sequence and timestamp.
func rtpPackets(
    muLaw samples: [UInt8], ssrc: UInt32, firstSequence: UInt16 = 65_500, firstTimestamp: UInt32 = 4_294_960_000
) -> [[UInt8]] {
    stride(from: 0, to: samples.count - 159, by: 160).enumerated().map { index, start in
        rtpDatagram(
            sequence: firstSequence &+ UInt16(truncatingIfNeeded: index),
            timestamp: firstTimestamp &+ UInt32(start), ssrc: ssrc, payload: samples[start..<(start + 160)])
    }
}

/// A UDP socket on loopback that sends datagrams to the daemon, as a mirroring switch or SBC would.
struct UDPSender {
    let channel: any Channel

    /// The loopback address the socket is bound to and sends to (`127.0.0.1` or `::1`).
    var host = "127.0.0.1"

    /// Binds a socket on `host` (an ephemeral port).
    static func start(host: String = "127.0.0.1") async throws -> UDPSender {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: host, port: 0).get()
        return UDPSender(channel: channel, host: host)
    }

    /// The socket's port.
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Sends each datagram to `host`:`port`, flushing at the end.
    func send(_ datagrams: [[UInt8]], to port: Int) async throws {
        let address = try SocketAddress(ipAddress: host, port: port)
        guard let last = datagrams.last else { return }
        for datagram in datagrams.dropLast() {
            channel.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: datagram)), promise: nil)
        }
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: last))).get()
    }

    /// Sends `datagrams` to `port` in bursts of `burst`, yielding 2 ms between bursts so the loopback socket's
    /// receive buffer never overflows (pacing, not synchronisation: the daemon's clock is the RTP timestamps).
    func sendPaced(_ datagrams: [[UInt8]], to port: Int, burst: Int = 25) async throws {
        for start in stride(from: 0, to: datagrams.count, by: burst) {
            try await send(Array(datagrams[start..<min(datagrams.count, start + burst)]), to: port)
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func close() async { try? await channel.close() }
}

/// A small deterministic generator (SplitMix64) so the perturbed streams are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs ffmpeg to send `wav` as RTP to 127.0.0.1:`port` in 20 ms packets of `codec` (`pcm_mulaw`, `pcm_alaw`),
/// as fast as it can, and waits for it to finish.
///
/// In a run with scaled waits (``testTimeScale``, a sanitized build) it sends at real time instead (`-re`): a daemon
/// slowed that much cannot drain a whole call sent at once, and the socket drops the head of the burst.
func ffmpegSendRTP(_ wav: String, codec: String, to port: Int) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"] + (testTimeScale > 1 ? ["-re"] : []) + [
            "-i", wav, "-af", "aresample=8000,asetnsamples=n=160",
            "-ac", "1", "-acodec", codec, "-f", "rtp", "rtp://127.0.0.1:\(port)?pkt_size=172",
        ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    guard status == 0 else {
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw TestFailure("ffmpeg exited with \(status): \(message)")
    }
}

/// The value of one Prometheus sample line `name{labels} value` in `/metrics`, or 0 when absent.
func metricValue(_ metrics: String, _ series: String) -> Double {
    for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}

/// `GET /metrics`'s body.
func fetchMetrics(port: Int) async throws -> String {
    try await request(.GET, port: port, "/metrics").body
}

/// The calls `GET /v1/calls` lists.
func fetchCalls(port: Int) async throws -> [[String: Any]] {
    try await request(.GET, port: port, "/v1/calls").json["calls"] as? [[String: Any]] ?? []
}

/// A daemon configuration with one RTP socket on 127.0.0.1 (port 0).
func withRTPDaemon(
    _ configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
    _ body: (DaemonControl, DaemonControl.Ports) async throws -> Void
) async throws {
    try await withDaemon(
        { configuration in
            configuration.rtp = [ListenRange(host: "127.0.0.1", ports: 0...0)]
            configure(&configuration)
        }, body)
}
