import AMDCore
package import Logging
import NIOCore
import NIOPosix
import RTP
import ServiceLifecycle

/// Receives mirrored RTP on every `--rtp` port: one UDP socket per port, each with its own ``RTPIngressHandler``.
///
/// Each socket's streams live on that socket's event loop, so the per-packet path takes no lock; the call limit
/// is shared through the hub (``CallHub/open(_:)`` returns `nil` at `--max-calls`).
package struct RTPIngress: Service {
    let configuration: ServerConfiguration
    let hub: CallHub
    let metrics: ServerMetrics
    let logger: Logger
    let onBound: @Sendable ([Int]) -> Void

    /// Creates the ingress; nothing is bound until ``run()``.
    package init(
        configuration: ServerConfiguration, hub: CallHub, metrics: ServerMetrics, logger: Logger,
        onBound: @escaping @Sendable ([Int]) -> Void
    ) {
        self.configuration = configuration
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
        self.onBound = onBound
    }

    /// Binds every port, then receives until a graceful shutdown, when it closes the sockets and ends all calls.
    package func run() async throws {
        var channels: [any Channel] = []
        var ports: [Int] = []
        // Built once, with the model validated at start-up; each stream copies the detector of its codec.
        let settings = RTPIngressHandler.Settings(
            idleTimeout: configuration.idleTimeout, allow: configuration.rtpAllow,
            maxStreams: configuration.maxCalls,
            reassembler: .init(playsInOrderPacketsAtOnce: true),
            muLawDetector: try StreamDetector(
                encoding: .muLaw, sampleRate: RTPAudioCodec.clockRateHz, validated: configuration.model),
            aLawDetector: try StreamDetector(
                encoding: .aLaw, sampleRate: RTPAudioCodec.clockRateHz, validated: configuration.model))
        do {
            for range in configuration.rtp {
                for port in range.ports {
                    let channel = try await bind(host: range.host, port: port, settings: settings)
                    channels.append(channel)
                    ports.append(channel.localAddress?.port ?? port)
                }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        if !ports.isEmpty { logger.info("RTP ingress listening", metadata: ["ports": "\(ports)"]) }
        onBound(ports)
        try? await gracefulShutdown()
        for channel in channels {
            // Closing runs the handler's channelInactive, which ends the socket's calls.
            try? await channel.close()
        }
    }

    private func bind(host: String, port: Int, settings: RTPIngressHandler.Settings) async throws -> any Channel {
        return try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 * 1024 * 1024)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { [hub, metrics, logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        RTPIngressHandler(settings: settings, sink: hub, metrics: metrics, logger: logger))
                }
            }
            .bind(host: host, port: port).get()
    }
}
