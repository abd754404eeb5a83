import HummingbirdWebSocket
import NIOConcurrencyHelpers

/// Holds a request context's websocket handler reference until the upgraded connection lets go of it.
///
/// For an upgrade, HummingbirdWebSocket stores the request context inside the reference's own box, and the context
/// holds the box: a cycle that would keep every upgraded connection's context, with its channel and buffers, alive
/// for the life of the daemon. The context reaches the box only through this slot, so the connection's handler
/// breaks the cycle by emptying the slot (``APIRequestContext/releaseWebSocketReference()``) once it runs.
package final class WebSocketReferenceSlot: Sendable {
    private let reference = NIOLockedValueBox<WebSocketHandlerReference<APIRequestContext>?>(.init())

    /// The reference while it is held; an empty, unshared one after ``release()``.
    var current: WebSocketHandlerReference<APIRequestContext> {
        reference.withLockedValue { $0 } ?? WebSocketHandlerReference()
    }

    /// Drops the reference: the box, and the context it holds, are freed once the upgrade is done with them.
    package func release() {
        reference.withLockedValue { $0 = nil }
    }
}
