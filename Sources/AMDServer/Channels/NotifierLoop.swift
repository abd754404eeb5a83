import FoundationEssentials
package import Logging
import ServiceLifecycle

/// The loop every push channel runs: take events from the bus through its own bounded queue and deliver them,
/// until a graceful shutdown; then deliver what is still queued, within a deadline.
package enum NotifierLoop {
    /// Runs until shutdown (graceful: drain up to `drainDeadline`; cancellation: stop at once).
    /// - Parameters:
    ///   - bus: where events come from.
    ///   - channel: metrics label (`"udp"`, `"webhook"`).
    ///   - capacity: events queued before the oldest is dropped (and counted).
    ///   - drainDeadline: time allowed after a graceful shutdown to deliver what is queued.
    ///   - logger: where dropped events are logged.
    ///   - endpoint: names the receiver in logs.
    ///   - deliver: sends one event; returns when done with it (delivered or given up).
    package static func run(
        bus: EventBus, channel: EventChannel, capacity: Int, drainDeadline: Duration, logger: Logger, endpoint: String,
        deliver: @escaping @Sendable (Event) async -> Void
    ) async {
        let subscription = bus.subscribe(channel: channel, capacity: capacity, isClient: false)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var expected: UInt64?
                for await event in subscription.events {
                    if let expected, event.seq > expected {
                        logger.warning(
                            "notification queue full: events dropped",
                            metadata: ["endpoint": "\(endpoint)", "dropped": "\(event.seq - expected)"])
                    }
                    expected = event.seq + 1
                    await deliver(event)
                    bus.metrics.notified(
                        channel: channel, delaySeconds: Date().timeIntervalSince(event.at),
                        backlog: bus.lastSeq - event.seq)
                }
                return true
            }
            group.addTask {
                // Returns when a graceful shutdown starts (or the task is cancelled).
                try? await gracefulShutdown()
                bus.unsubscribe(subscription)
                try? await Task.sleep(for: drainDeadline)
                return false
            }
            if await group.next() == false {
                logger.warning(
                    "shutdown deadline passed with notifications queued", metadata: ["endpoint": "\(endpoint)"])
            }
            group.cancelAll()
        }
        bus.unsubscribe(subscription)
    }
}
