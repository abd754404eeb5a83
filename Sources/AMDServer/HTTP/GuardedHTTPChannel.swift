package import HummingbirdCore
package import HummingbirdWebSocket
package import Logging
package import NIOCore

/// Hummingbird's HTTP/1.1-with-websocket-upgrade child channel with an ``HTTPHeadGuard`` in front of it.
///
/// The guard checks each connection's first request head before the upgrade pipeline parses it, so malformed,
/// oversized, slow or unauthorised heads are answered and closed; everything after is Hummingbird's.
package struct GuardedHTTPChannel: ServerChildChannel {
    /// The channel the guard's bytes go on to.
    package let inner: HTTP1WebSocketUpgradeChannel
    let settings: HTTPHeadGuard.Settings

    /// The value of one accepted connection, as the inner channel made it.
    package typealias Value = HTTP1WebSocketUpgradeChannel.Value

    init(inner: HTTP1WebSocketUpgradeChannel, settings: HTTPHeadGuard.Settings) {
        self.inner = inner
        self.settings = settings
    }

    /// Puts the guard first in the pipeline, then lets the inner channel set up the rest.
    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HTTPHeadGuard(settings: settings), position: .first)
        }
        .flatMap { inner.setup(channel: channel, logger: logger) }
    }

    /// Serves the connection as the inner channel does.
    package func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
