package import Hummingbird
package import HummingbirdWebSocket
package import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The `amd-edge run` daemon: ingress, call hub, events, notification channels and HTTP API as one service group.
///
/// Ingress: RTP over UDP (``RTPIngress``), ALSA capture devices (``ALSAIngress``) and the Vonage websocket.
/// The Vonage websocket ingress (``VonageIngress``) adds its route (`--ws-path`, `/socket`) to the API server;
/// other websocket routes can come through a ``WebSocketRouteHook``. ``control`` stays usable from other tasks
/// while it runs (ports, hub, shutdown).
package struct Daemon: Sendable {
    /// Adds routes to the API server's websocket router when the server is built; gets the call hub as the sink.
    package typealias WebSocketRouteHook = @Sendable (Router<APIServer.Context>, any CallSink) -> Void

    /// The configuration it runs with.
    package let configuration: ServerConfiguration
    /// Parts and controls usable from other tasks.
    package let control: DaemonControl
    private let logger: Logger
    private let webSocketRoutes: [WebSocketRouteHook]

    /// Builds the daemon's parts; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: every option.
    ///   - logger: the daemon's logger.
    ///   - webSocketRoutes: hooks adding websocket routes (other ingresses) next to `/v1/events/ws`.
    package init(configuration: ServerConfiguration, logger: Logger, webSocketRoutes: [WebSocketRouteHook] = []) {
        self.configuration = configuration
        self.logger = logger
        self.webSocketRoutes = webSocketRoutes
        let metrics = ServerMetrics()
        let bus = EventBus(historyCapacity: configuration.eventHistory, metrics: metrics)
        let hub = CallHub(
            limits: .init(
                maxCalls: configuration.maxCalls, retention: configuration.retention,
                maxEndedCalls: configuration.maxEndedCalls,
                noBeepTimeoutMs: configuration.noBeepTimeout.wholeMilliseconds),
            bus: bus, metrics: metrics)
        control = DaemonControl(hub: hub, bus: bus, metrics: metrics)
    }

    /// Runs until a graceful shutdown (``DaemonControl/shutdown()`` or, with `handleSignals`, SIGTERM/SIGINT).
    ///
    /// Shutdown goes in reverse order of start: the ALSA and RTP ingresses stop (ending their calls), the retention
    /// sweeper stops, websocket and long-poll clients are released, the HTTP server closes, and the UDP and webhook
    /// notifiers deliver what is queued within `--shutdown-timeout`. A `--alsa` device that cannot be opened makes
    /// this throw its ``ALSACaptureError``.
    package func run(handleSignals: Bool = false) async throws {
        let configuration = configuration
        let control = control
        defer { control.stopped() }
        var services: [any Service] = []
        // ALSA devices are opened before anything listens: one that cannot be opened stops the start here.
        let alsa = try await ALSAIngress.open(
            devices: configuration.alsa, model: configuration.model, sink: control.hub, metrics: control.metrics,
            logger: logger)
        let deadline = configuration.shutdownTimeout
        if !configuration.notifyUDP.isEmpty {
            services.append(
                UDPNotifier(
                    targets: configuration.notifyUDP, bus: control.bus, metrics: control.metrics, logger: logger,
                    drainDeadline: deadline))
        }
        let policy = WebhookNotifier.Policy(
            queueCapacity: configuration.webhookQueue, maxAttempts: configuration.webhookAttempts,
            requestTimeout: configuration.webhookTimeout, drainDeadline: deadline)
        for url in configuration.webhooks {
            services.append(
                WebhookNotifier(url: url, policy: policy, bus: control.bus, metrics: control.metrics, logger: logger))
        }
        let api = APIServer(
            hub: control.hub, bus: control.bus, metrics: control.metrics, apiToken: configuration.apiToken,
            maxBodyBytes: configuration.maxBodyBytes, logger: logger)
        let vonage = VonageIngress(
            settings: .init(configuration), sink: control.hub, metrics: control.metrics, logger: logger)
        vonage.addRoutes(webSocketRouter: api.webSocketRouter, router: api.router)
        for hook in webSocketRoutes { hook(api.webSocketRouter, control.hub) }
        services.append(
            api.application(
                host: configuration.http.host, port: configuration.http.port,
                webSocketMaxFrameBytes: vonage.settings.webSocketMaxFrameBytes
            ) { port in
                control.httpBound(port)
            })
        services.append(ClientStreamCloser(bus: control.bus))
        services.append(RetentionSweeper(hub: control.hub))
        services.append(
            RTPIngress(configuration: configuration, hub: control.hub, metrics: control.metrics, logger: logger) {
                control.rtpBound($0)
            })
        // After the RTP ingress, so it stops first: its calls end while the channels still deliver.
        services.append(alsa)
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = deadline + .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        if control.setShutdown({ await group.triggerGracefulShutdown() }) {
            await alsa.stop()
            return
        }
        logger.info(
            "amd-edge running",
            metadata: [
                "version": "\(AMDEdgeVersion.current)",
                "http": "\(configuration.http)", "rtp": "\(configuration.rtp.map(\.description))",
                "alsa": "\(configuration.alsa)", "model": "\(configuration.modelPath ?? "shipped")",
            ])
        try await group.run()
        logger.info("amd-edge stopped")
    }
}

/// Ends websocket and long-poll streams when a graceful shutdown starts, so the HTTP server can close.
private struct ClientStreamCloser: Service {
    let bus: EventBus
    func run() async {
        try? await gracefulShutdown()
        bus.finishClientStreams()
    }
}

/// Forgets ended calls past their retention every second, even when nothing else touches the hub.
private struct RetentionSweeper: Service {
    let hub: CallHub
    func run() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                hub.sweep()
            }
        }
    }
}

extension Daemon {
    /// Makes this daemon's registry the process's swift-metrics backend, so libraries' metrics are exported too.
    ///
    /// Call once per process (`amd-edge run` does); tests running several daemons skip it.
    package func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(control.metrics.factory)
    }
}
