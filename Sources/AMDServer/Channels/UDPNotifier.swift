package import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Sends every event as one JSON datagram to each `--notify-udp HOST:PORT` target.
///
/// Datagrams are fire-and-forget: an unreachable target costs nothing but an ICMP error, which is counted.
package struct UDPNotifier: Service {
    /// Where datagrams go.
    package let targets: [HostPort]
    let bus: EventBus
    let metrics: ServerMetrics
    let logger: Logger
    let capacity: Int
    let drainDeadline: Duration

    /// Creates the notifier; it sends nothing until ``run()``.
    package init(
        targets: [HostPort], bus: EventBus, metrics: ServerMetrics, logger: Logger, capacity: Int = 10_000,
        drainDeadline: Duration = .seconds(5)
    ) {
        self.targets = targets
        self.bus = bus
        self.metrics = metrics
        self.logger = logger
        self.capacity = capacity
        self.drainDeadline = drainDeadline
    }

    /// Opens one socket per target and sends events until shutdown.
    package func run() async throws {
        var sockets: [(channel: any Channel, address: SocketAddress)] = []
        defer { for socket in sockets { socket.channel.close(promise: nil) } }
        for target in targets {
            let address = try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
            let bindHost = address.protocol == .inet6 ? "::" : "0.0.0.0"
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { [metrics] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SendErrorCounter(metrics: metrics))
                    }
                }
                .bind(host: bindHost, port: 0).get()
            sockets.append((channel, address))
        }
        logger.info("UDP notifications on", metadata: ["targets": "\(targets.map(\.description))"])
        let sinks = sockets
        await NotifierLoop.run(
            bus: bus, channel: "udp", capacity: capacity, drainDeadline: drainDeadline, logger: logger,
            endpoint: "udp"
        ) { [metrics] event in
            for sink in sinks {
                let envelope = AddressedEnvelope(remoteAddress: sink.address, data: ByteBuffer(string: event.json))
                sink.channel.writeAndFlush(envelope, promise: nil)
                metrics.eventSent(channel: "udp")
            }
        }
    }
}

/// Counts and swallows send errors (ICMP port unreachable comes back as a read error on the socket).
private final class SendErrorCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let metrics: ServerMetrics
    init(metrics: ServerMetrics) { self.metrics = metrics }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.eventDropped(channel: "udp")
    }
}
