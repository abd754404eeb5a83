package import Hummingbird
package import HummingbirdWebSocket
package import Logging
import NIOCore

/// The HTTP side of the daemon: status API, registration, events (long-poll and websocket) and metrics.
///
/// One Hummingbird server carries both routers: ``router`` for plain HTTP and ``webSocketRouter`` for websocket
/// upgrades. The Vonage websocket ingress adds its route (`--ws-path`) to ``webSocketRouter`` before the server
/// starts, so every websocket shares the API's address; the token applies to `/v1/*` only.
package final class APIServer {
    /// The request context of both routers.
    package typealias Context = APIRequestContext

    /// Version string reported by `GET /healthz`.
    package static let version = AMDEdgeVersion.current

    /// Plain HTTP routes.
    package let router: Router<Context>
    /// Routes that accept a websocket upgrade (`/v1/events/ws`, and whatever an ingress adds).
    package let webSocketRouter: Router<Context>

    let hub: CallHub
    let bus: EventBus
    let metrics: ServerMetrics
    let maxBodyBytes: Int
    let logger: Logger

    /// Creates the routers.
    /// - Parameters:
    ///   - hub: the calls.
    ///   - bus: the events.
    ///   - metrics: the registry `GET /metrics` renders.
    ///   - apiToken: when set, `/v1/*` needs `Authorization: Bearer <apiToken>`.
    ///   - maxBodyBytes: request bodies larger than this get 413.
    ///   - logger: where request failures are logged.
    package init(
        hub: CallHub, bus: EventBus, metrics: ServerMetrics, apiToken: String?, maxBodyBytes: Int, logger: Logger
    ) {
        self.hub = hub
        self.bus = bus
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        router = Router(context: Context.self)
        webSocketRouter = Router(context: Context.self)
        for router in [router, webSocketRouter] {
            router.add(middleware: JSONErrorMiddleware<Context>())
            if let apiToken, !apiToken.isEmpty { router.add(middleware: BearerAuthMiddleware<Context>(token: apiToken)) }
        }
        addRoutes()
        addWebSocketRoutes()
    }

    /// The Hummingbird application serving both routers on `host:port` (port 0 picks a free port).
    /// - Parameters:
    ///   - webSocketMaxFrameBytes: largest websocket frame the server reads, in bytes.
    ///   - onRunning: called with the bound port once the server listens.
    package func application(
        host: String, port: Int, webSocketMaxFrameBytes: Int = 1 << 14,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: webSocketRouter,
                configuration: .init(ws: .init(maxFrameSize: webSocketMaxFrameBytes))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "amd-edge"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
