import AMDCore
import AMDServer
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A real UDP socket on loopback that keeps every datagram it receives.
final class UDPReceiver: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let received = Mutex<[String]>([])

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        received.withLock { $0.append(String(buffer: envelope.data)) }
    }

    static func start() async throws -> (UDPReceiver, any Channel) {
        let receiver = UDPReceiver()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(receiver) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (receiver, channel)
    }
}

struct UDPNotifierTests {
    @Test func everyEventArrivesAsOneDatagram() async throws {
        let (first, firstChannel) = try await UDPReceiver.start()
        let (second, secondChannel) = try await UDPReceiver.start()
        defer {
            firstChannel.close(promise: nil)
            secondChannel.close(promise: nil)
        }
        let targets = [firstChannel, secondChannel].map {
            HostPort(host: "127.0.0.1", port: $0.localAddress?.port ?? 0)
        }
        try await withDaemon({ $0.notifyUDP = targets }) { control, _ in
            // The notifier subscribes when its service starts; wait for it before publishing.
            try await eventually("the UDP notifier to subscribe") { control.bus.subscriberCount > 0 }
            let id = try #require(control.hub.open(rtpDescriptor()))
            control.hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400))
            control.hub.close(id, counters: CallCounters(audioMs: 2000), reason: .idle)
            for receiver in [first, second] {
                try await eventually("three datagrams") { receiver.received.withLock { $0.count } == 3 }
                let objects = receiver.received.withLock { $0 }.compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
                }
                #expect(objects.map { $0["type"] as? String } == ["call_started", "beep", "call_ended"])
                #expect(objects.map { $0["seq"] as? Int } == [1, 2, 3])
                #expect(objects[1]["uuids"] as? [String] == [id])
            }
        }
    }

    @Test func aRefusedSendIsCountedAndTheOtherTargetsStillGetEveryEvent() async throws {
        let (receiver, receiverChannel) = try await UDPReceiver.start()
        defer { receiverChannel.close(promise: nil) }
        // Linux refuses a datagram to the broadcast address from a socket without SO_BROADCAST (EACCES), and NIO
        // closes the socket on that error: each event must still be tried, and counted as dropped, not sent.
        let refused = HostPort(host: "255.255.255.255", port: 9)
        let working = HostPort(host: "127.0.0.1", port: receiverChannel.localAddress?.port ?? 0)
        try await withDaemon({ $0.notifyUDP = [refused, working] }) { control, ports in
            try await eventually("the UDP notifier to subscribe") { control.bus.subscriberCount > 0 }
            let id = try #require(control.hub.open(rtpDescriptor()))
            control.hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400))
            control.hub.close(id, counters: CallCounters(audioMs: 2000), reason: .idle)
            try await eventually("three datagrams") { receiver.received.withLock { $0.count } == 3 }
            try await eventually("three drops counted") {
                metricValue(try await fetchMetrics(port: ports.http), #"amd_events_dropped_total{channel="udp"}"#) == 3
            }
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_events_sent_total{channel="udp"}"#) == 3)
        }
    }
}
