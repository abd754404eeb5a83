package import Hummingbird
package import HummingbirdWebSocket
package import NIOCore

/// The request context of the API's routers: Hummingbird's websocket-capable context plus the peer's address.
///
/// The Vonage websocket ingress needs the peer's address as the call's `source` (and for registrations that match
/// on it) and the channel's event loop to run the connection on; ``BasicWebSocketRequestContext`` keeps neither.
package struct APIRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    package var coreContext: CoreRequestContextStorage
    /// Where a websocket route leaves its handler for the upgrade.
    package var webSocket: WebSocketHandlerReference<Self> { webSocketSlot.current }
    /// The connected peer's address, when the channel knows it.
    package let remoteAddress: SocketAddress?
    /// The event loop of the request's channel (a websocket ingress runs its connection's task there).
    package let eventLoop: any EventLoop
    /// The request's connection, so a route that refuses a body it will not read can close it.
    package let channel: any Channel
    /// Holds ``webSocket`` until ``releaseWebSocketReference()``; visible to tests, which free what a check left.
    package let webSocketSlot = WebSocketReferenceSlot()

    /// Creates the context of one request from its channel.
    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        eventLoop = source.channel.eventLoop
        channel = source.channel
    }

    /// Lets go of the websocket handler reference: an upgraded connection's handler calls it first, or the upgrade's
    /// context, channel and buffers are never freed (see ``WebSocketReferenceSlot``).
    package func releaseWebSocketReference() {
        webSocketSlot.release()
    }
}
