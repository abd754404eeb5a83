import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

extension APIServer {
    /// `GET /v1/events/ws`: every event as one text message, as it happens, until either side closes.
    func addWebSocketRoutes() {
        webSocketRouter.ws("/v1/events/ws") { [bus, metrics] inbound, outbound, context in
            context.requestContext.releaseWebSocketReference()
            let subscription = bus.subscribe(channel: .websocket, capacity: 1000, isClient: true)
            context.logger.debug("event stream opened")
            await withTaskGroup(of: Void.self) { group in
                // Reading is needed to see the client's close; the stream carries nothing else for us.
                group.addTask {
                    do { for try await _ in inbound {} } catch {}
                }
                group.addTask {
                    for await event in subscription.events {
                        do {
                            try await outbound.write(.text(event.json))
                            metrics.eventSent(channel: .websocket)
                        } catch {
                            metrics.eventDropped(channel: .websocket)
                            return
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
            bus.unsubscribe(subscription)
            context.logger.debug("event stream closed")
        }
    }
}
