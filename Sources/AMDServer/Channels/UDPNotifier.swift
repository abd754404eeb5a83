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
        var sinks: [UDPTargetSocket] = []
        defer { for sink in sinks { sink.close() } }
        for target in targets {
            let address = try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
            let sink = UDPTargetSocket(address: address, metrics: metrics)
            try await sink.open()
            sinks.append(sink)
        }
        logger.info("UDP notifications on", metadata: ["targets": "\(targets.map(\.description))"])
        let targetSockets = sinks
        await NotifierLoop.run(
            bus: bus, channel: .udp, capacity: capacity, drainDeadline: drainDeadline, logger: logger,
            endpoint: "udp"
        ) { [metrics, logger] event in
            for sink in targetSockets {
                do {
                    try await sink.send(event.json)
                    metrics.eventSent(channel: .udp)
                } catch {
                    metrics.eventDropped(channel: .udp)
                    logger.debug(
                        "UDP notification not sent", metadata: ["target": "\(sink.address)", "error": "\(error)"])
                }
            }
        }
    }
}
