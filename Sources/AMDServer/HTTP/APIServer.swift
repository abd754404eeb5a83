package import Hummingbird
import HummingbirdCore
package import HummingbirdWebSocket
package import Logging
package import NIOCore

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
    /// The token check, when `--api-token` is set; the connection guard uses it for websocket upgrades.
    let auth: BearerAuthMiddleware<Context>?

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
        auth = apiToken.flatMap { $0.isEmpty ? nil : BearerAuthMiddleware<Context>(token: $0) }
        // HEAD is answered wherever GET is (a load balancer's health probe), with GET's headers and no body.
        router = Router(context: Context.self, options: .autoGenerateHeadEndpoints)
        webSocketRouter = Router(context: Context.self)
        for router in [router, webSocketRouter] {
            router.add(middleware: JSONErrorMiddleware<Context>())
            if let auth { router.add(middleware: auth) }
        }
        addRoutes()
        addWebSocketRoutes()
    }

    /// Time allowed for a connection's first request head, from connecting (a slow-loris defence).
    package static let defaultHeadTimeout = TimeAmount.seconds(10)
    /// Time an idle kept-alive connection stays open; also bounds a slow head after the first request.
    package static let idleTimeout = TimeAmount.seconds(30)
    /// Time a refused connection is drained before it is closed, so the peer reads the answer, not a reset.
    package static let lingerTime = TimeAmount.seconds(2)

    /// The Hummingbird application serving both routers on `host:port` (port 0 picks a free port).
    ///
    /// Call it once every route is added: the 405 table is read from the routers here.
    /// - Parameters:
    ///   - webSocketMaxFrameBytes: largest websocket frame the server reads, in bytes.
    ///   - headTimeout: time allowed for a connection's first request head.
    ///   - onRunning: called with the bound port once the server listens.
    package func application(
        host: String, port: Int, webSocketMaxFrameBytes: Int = 1 << 14,
        headTimeout: TimeAmount = APIServer.defaultHeadTimeout,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let routes = (router.routes + webSocketRouter.routes).map { ("\($0.path)", $0.method) }
        router.add(middleware: AllowedMethodsMiddleware<Context>(routes: routes))
        let limits = HTTPHeadValidator.Limits()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                idleTimeout: Self.idleTimeout,
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maxHeadBytes, maxHeaderListSize: limits.maxHeadBytes,
                    maxHeaderFieldCount: limits.maxHeaderFields)),
            ws: .init(maxFrameSize: webSocketMaxFrameBytes))
        let settings = HTTPHeadGuard.Settings(
            limits: limits, headTimeout: headTimeout, lingerTime: Self.lingerTime,
            authorizeUpgrade: { [auth] path, authorization in
                auth?.isAuthorized(path: path, authorization: authorization) ?? true
            })
        let webSocketResponder = webSocketRouter.buildResponder()
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedHTTPChannel(
                    inner: HTTP1WebSocketUpgradeChannel(
                        responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                    settings: settings)
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "amd-edge"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
