import NIOCore

/// The first handler of every HTTP connection: holds the bytes of the first request head until
/// ``HTTPHeadValidator`` accepts them, then hands them on and leaves the pipeline.
///
/// Until the first head is parsed, Hummingbird's websocket-upgrade pipeline has neither its error handling nor its
/// idle timeout, so a malformed or endless head would keep the connection open for good. The guard answers such a
/// head itself (400, 401, 408, 414, 431, 501 or 505 with a JSON body and `Connection: close`), stops writing, reads
/// and discards what the peer still sends for up to ``Settings/lingerTime`` so the answer is not lost to a reset,
/// then closes. Later heads on a kept-alive connection meet the decoder's limits and Hummingbird's idle timeout.
/// All state lives on the channel's event loop.
final class HTTPHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the guard enforces.
    struct Settings: Sendable {
        /// Head limits.
        var limits: HTTPHeadValidator.Limits
        /// Time allowed from connecting to the end of the first head (a slow-loris defence).
        var headTimeout: TimeAmount
        /// Time a refused connection is read and discarded before it is closed.
        var lingerTime: TimeAmount
        /// Whether a websocket upgrade to `path` with this `Authorization` header may go on.
        var authorizeUpgrade: @Sendable (_ path: String, _ authorization: String?) -> Bool
    }

    private enum State {
        case reading
        case passing
        case refused
    }

    private let settings: Settings
    private var validator: HTTPHeadValidator
    private var pending: [UInt8] = []
    private var state = State.reading
    private var timer: Scheduled<Void>?

    init(settings: Settings) {
        self.settings = settings
        validator = HTTPHeadValidator(limits: settings.limits)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startTimer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        // The peer closed a refused connection first (see ``finish(_:)``).
        if state == .refused { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .passing:
            context.fireChannelRead(data)
        case .refused:
            return
        case .reading:
            var buffer = unwrapInboundIn(data)
            pending.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            switch validator.inspect(pending) {
            case .needMore:
                return
            case .reject(let rejection):
                refuse(rejection, context: context)
            case .forward:
                let head = validator.head
                if head.isWebSocketUpgrade, !settings.authorizeUpgrade(head.path, head.authorization) {
                    refuse(.unauthorized, context: context)
                    return
                }
                timer?.cancel()
                timer = nil
                state = .passing
                let bytes = context.channel.allocator.buffer(bytes: pending)
                pending = []
                context.fireChannelRead(wrapInboundOut(bytes))
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The peer finished sending after a refusal: nothing more to wait for.
        if state == .refused, let event = event as? ChannelEvent, event == .inputClosed {
            Self.finish(context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func startTimer(context: ChannelHandlerContext) {
        guard timer == nil, state == .reading else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: settings.headTimeout) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            if handler.state == .reading { handler.refuse(.timedOut, context: context) }
        }
    }

    /// Answers `rejection`, half-closes, and closes for good after the linger time (or when the peer closes).
    private func refuse(_ rejection: HTTPHeadRejection, context: ChannelHandlerContext) {
        state = .refused
        pending = []
        timer?.cancel()
        let response = context.channel.allocator.buffer(string: rejection.response)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in
            loopBound.value.close(mode: .output, promise: nil)
        }
        timer = context.eventLoop.scheduleTask(in: settings.lingerTime) {
            Self.finish(loopBound.value)
        }
    }

    /// Closes a refused connection. The handlers behind are told first that no more input comes, so the upgrade
    /// handler ends its wait as for a peer that closed, rather than with an error Hummingbird would log for every
    /// refused connection.
    private static func finish(_ context: ChannelHandlerContext) {
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        context.close(promise: nil)
    }
}
