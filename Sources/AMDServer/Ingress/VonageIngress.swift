package import AMDCore
package import Hummingbird
import HummingbirdWebSocket
package import Logging
import Metrics
import NIOCore
import NIOWebSocket
import ServiceLifecycle
import Synchronization

/// Accepts Vonage (Nexmo) Voice API websockets on `--ws-path` (default `/socket`) of the daemon's HTTP server.
///
/// Each connection runs on its own task, preferring its channel's event loop (``EventLoopTaskExecutor``): one child
/// reads messages into a ``VonageSession`` (which owns the call's detector, so the per-frame path takes no lock),
/// another watches for `--ws-idle-timeout`. Bad input closes only
/// that connection, with a close code and reason (``VonageSessionError``), a log line and a metric. The call limit
/// is shared with the other ingresses through ``CallSink/open(_:)``. The route sits outside `/v1/`, so it needs no
/// API token (Vonage cannot send one); choose a hard-to-guess `--ws-path` where that matters.
package struct VonageIngress: Sendable {
    /// What the ingress needs from the configuration.
    package struct Settings: Sendable {
        /// The websocket route.
        package var path: String
        /// Largest message accepted, in bytes (`--ws-max-message`).
        package var maxMessageBytes: Int
        /// A connection is closed after this long without a message (`--ws-idle-timeout`).
        package var idleTimeout: Duration
        /// The detector's model (`--model`).
        package var model: ValidatedModel

        /// Reads the settings from the daemon's configuration.
        package init(_ configuration: ServerConfiguration) {
            path = configuration.wsPath
            maxMessageBytes = configuration.wsMaxMessageBytes
            idleTimeout = configuration.wsIdleTimeout
            model = configuration.model
        }

        /// The frame size the websocket layer must accept, in bytes, so that oversized messages reach the
        /// ingress and get its close reason; frames beyond even this are refused by the websocket layer (1009).
        package var webSocketMaxFrameBytes: Int { max(1 << 14, 2 * maxMessageBytes) }
    }

    /// How a connection's reading ended.
    private enum Finish: Sendable {
        /// The reader stopped: the peer closed, the connection failed, or the session threw `error`.
        case reader(VonageSession, VonageSessionError?)
        /// Nothing arrived within the idle timeout.
        case idle
        /// The watchdog was cancelled because the reader finished first.
        case stopped
    }

    /// Uptime of the last message received, in nanoseconds; written by the reader, read by the watchdog.
    private final class Activity: Sendable {
        let lastNanos = Atomic<UInt64>(NIODeadline.now().uptimeNanoseconds)
        func touch(_ now: UInt64) { lastNanos.store(now, ordering: .relaxed) }
    }

    private static let nanosecondsPerMillisecond: Int64 = 1_000_000

    let settings: Settings
    let sink: any CallSink
    let serverMetrics: ServerMetrics
    let metrics: VonageMetrics
    let logger: Logger

    /// Creates the ingress; nothing is served until ``addRoutes(to:)`` and the API server runs.
    package init(settings: Settings, sink: any CallSink, metrics: ServerMetrics, logger: Logger) {
        self.settings = settings
        self.sink = sink
        self.serverMetrics = metrics
        self.metrics = VonageMetrics(metrics: metrics)
        self.logger = logger
    }

    /// Adds the websocket route, and a plain `GET` on the same path answering 426 without the upgrade.
    package func addRoutes(webSocketRouter: Router<APIServer.Context>, router: Router<APIServer.Context>) {
        webSocketRouter.ws(RouterPath(settings.path)) { inbound, outbound, context in
            context.requestContext.releaseWebSocketReference()
            let address = context.requestContext.remoteAddress
            let source = "\(address?.ipAddress ?? "?"):\(address?.port ?? 0)"
            await withTaskExecutorPreference(EventLoopTaskExecutor(context.requestContext.eventLoop)) {
                await self.serve(inbound: inbound, outbound: outbound, source: source)
            }
        }
        router.get(RouterPath(settings.path)) { _, _ -> Response in
            JSONResponse.error(
                "this route needs a websocket upgrade (Vonage Voice API audio)", status: .upgradeRequired)
        }
    }

    /// Runs one connection to its end: reads it, closes it with a code when the daemon ends it, ends its call.
    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, source: String) async {
        metrics.connections.increment()
        var connectionLogger = logger
        connectionLogger[metadataKey: "ws.source"] = "\(source)"
        let logger = connectionLogger
        let activity = Activity()
        let session = VonageSession(
            source: source, sink: sink, maxMessageBytes: settings.maxMessageBytes, model: settings.model,
            metrics: IngressMetrics(server: serverMetrics, units: metrics.frames))
        let (finalSession, failure): (VonageSession, VonageSessionError?) = await withTaskGroup(of: Finish.self) {
            group in
            group.addTask { await self.read(inbound, session: session, activity: activity, logger: logger) }
            group.addTask { await self.watch(activity) }
            var session = session
            var failure: VonageSessionError?
            var idle = false
            while let finish = await group.next() {
                switch finish {
                case .reader(let ended, let error):
                    session = ended
                    failure = error
                    group.cancelAll()
                case .idle:
                    // Stop the reader; it hands back the session when it returns.
                    idle = true
                    group.cancelAll()
                case .stopped: break
                }
            }
            if idle, failure == nil {
                failure = .idleTimeout(
                    ms: TimeAmount(settings.idleTimeout).nanoseconds / Self.nanosecondsPerMillisecond)
            }
            return (session, failure)
        }
        var ended = finalSession
        if let failure {
            metrics.rejections(failure).increment()
            logger.warning(
                "closing Vonage websocket",
                metadata: [
                    "ws.close_code": "\(failure.closeCode)", "ws.reason": "\(failure)",
                    "call": "\(ended.callID ?? "-")",
                ])
            try? await outbound.close(
                WebSocketErrorCode(codeNumber: Int(failure.closeCode)), reason: failure.description)
            ended.end(reason: .refused(label: failure.label))
        } else {
            ended.end(reason: Task.isShuttingDownGracefully ? .shutdown : .closed)
        }
        logger.debug(
            "Vonage websocket ended",
            metadata: [
                "call": "\(ended.callID ?? "-")", "audio_ms": "\(ended.counters.audioMs)",
                "frames": "\(ended.counters.packets)", "dtmf": "\(ended.dtmfMessages)",
            ])
    }

    /// Reads messages into the session until the peer closes, the task is cancelled or the session throws.
    ///
    /// Unfragmented messages (Vonage sends one frame per message) are given to the session straight from NIO's
    /// buffer; fragmented ones are gathered up to the size limit first.
    private func read(
        _ inbound: WebSocketInboundStream, session: VonageSession, activity: Activity, logger: Logger
    ) async -> Finish {
        var session = session
        var iterator = inbound.makeAsyncIterator()
        var pending: ByteBuffer?
        var pendingIsText = false
        func checkSize(_ bytes: Int) throws(VonageSessionError) {
            guard bytes <= settings.maxMessageBytes else {
                throw .messageTooLarge(bytes: bytes, limit: settings.maxMessageBytes)
            }
        }
        while true {
            let frame: WebSocketDataFrame?
            do {
                frame = try await iterator.next()
            } catch {
                logger.debug("Vonage websocket read failed", metadata: ["error": "\(error)"])
                return .reader(session, nil)
            }
            guard let frame else { return .reader(session, nil) }
            activity.touch(NIODeadline.now().uptimeNanoseconds)
            do throws(VonageSessionError) {
                let message: ByteBuffer
                let isText: Bool
                switch frame.opcode {
                case .text, .binary:
                    message = frame.data
                    isText = frame.opcode == .text
                    if !frame.fin {
                        try checkSize(message.readableBytes)
                        pending = message
                        pendingIsText = isText
                        continue
                    }
                case .continuation:
                    guard var gathered = pending else { continue }
                    pending = nil
                    try checkSize(gathered.readableBytes + frame.data.readableBytes)
                    var data = frame.data
                    gathered.writeBuffer(&data)
                    guard frame.fin else {
                        pending = gathered
                        continue
                    }
                    message = gathered
                    isText = pendingIsText
                }
                if isText {
                    let outcome = try message.withUnsafeReadableBytes { bytes throws(VonageSessionError) in
                        try session.receiveText(bytes)
                    }
                    switch outcome {
                    case .connected(let id):
                        logger.debug(
                            "Vonage call started",
                            metadata: ["call": "\(id)", "codec": "\(session.header?.codec ?? "?")"])
                    case .dtmf: metrics.dtmfMessages.increment()
                    case .ignored: metrics.ignoredMessages.increment()
                    }
                } else {
                    try message.withUnsafeReadableBytes { bytes throws(VonageSessionError) in
                        try session.receiveBinary(bytes)
                    }
                }
            } catch {
                return .reader(session, error)
            }
        }

    }

    /// Returns ``Finish/idle`` once no message arrived for the idle timeout, ``Finish/stopped`` when cancelled.
    private func watch(_ activity: Activity) async -> Finish {
        let limit = UInt64(max(0, TimeAmount(settings.idleTimeout).nanoseconds))
        while true {
            let due = activity.lastNanos.load(ordering: .relaxed) &+ limit
            let now = NIODeadline.now().uptimeNanoseconds
            if now >= due { return .idle }
            do {
                try await Task.sleep(for: .nanoseconds(Int64(due - now)))
            } catch {
                return .stopped
            }
        }
    }
}
