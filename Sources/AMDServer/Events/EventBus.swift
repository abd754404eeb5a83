package import FoundationEssentials
import NIOConcurrencyHelpers
import NIOCore

/// The daemon's event sequence: numbers events, keeps a bounded history and fans events out to subscribers.
///
/// ``publish(callID:at:details:)`` never blocks on a subscriber: each subscriber has its own bounded buffer
/// (an `AsyncStream` dropping its oldest events when full), and a drop is counted on the subscriber's channel.
/// The lock is held while an event is numbered, encoded to its JSON wire form (which carries the `seq`, so it is
/// encoded under the lock, once for every channel), appended to the history and handed to the buffers, so events
/// reach every subscriber in `seq` order.
package final class EventBus: Sendable {
    /// The events after a position in the sequence, as `GET /v1/events` returns them.
    package struct Page: Sendable {
        /// The events, in `seq` order.
        package var events: [Event]
        /// Where the next request should start: the last returned `seq`, or the `after` asked for.
        package var next: UInt64
        /// Whether events after the requested position were already forgotten (the history is bounded).
        package var truncated: Bool
        /// The oldest `seq` still kept, or `nil` when the history is empty.
        package var oldest: UInt64?
    }

    /// One subscriber's stream of events; ``EventBus/unsubscribe(_:)`` or ``EventBus/finishClientStreams()`` ends it.
    package struct Subscription: Sendable {
        /// Identifies the subscription on its bus.
        package let id: UInt64
        /// Events published after the subscription was made.
        package let events: AsyncStream<Event>
    }

    fileprivate struct Subscriber {
        var continuation: AsyncStream<Event>.Continuation
        var channel: EventChannel
        var isClient: Bool
        var countsDrops: Bool
    }

    fileprivate struct State {
        var nextSeq: UInt64 = 1
        var history: CircularBuffer<Event>
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriberID: UInt64 = 1
        var clientsClosed = false
    }

    /// How many events the history keeps.
    package let historyCapacity: Int
    /// Where drops are counted, and push channels their delivery.
    package let metrics: ServerMetrics
    fileprivate let state: NIOLockedValueBox<State>

    /// Creates a bus.
    /// - Parameters:
    ///   - historyCapacity: events kept for `GET /v1/events` (10,000 by default).
    ///   - metrics: where drops are counted.
    package init(historyCapacity: Int = 10_000, metrics: ServerMetrics) {
        self.historyCapacity = max(1, historyCapacity)
        self.metrics = metrics
        state = NIOLockedValueBox(State(history: CircularBuffer(initialCapacity: min(self.historyCapacity, 1024))))
    }

    /// Numbers an event, keeps it in the history and hands it to every subscriber; returns it.
    @discardableResult
    package func publish(callID: String, at: Date = Date(), details: EventDetails) -> Event {
        state.withLockedValue { state in
            let event = Event(seq: state.nextSeq, callID: callID, at: at, details: details)
            state.nextSeq += 1
            if state.history.count >= historyCapacity { state.history.removeFirst() }
            state.history.append(event)
            for subscriber in state.subscribers.values {
                if case .dropped = subscriber.continuation.yield(event), subscriber.countsDrops {
                    metrics.eventDropped(channel: subscriber.channel)
                }
            }
            return event
        }
    }

    /// The `seq` of the last event published, 0 before the first.
    package var lastSeq: UInt64 { state.withLockedValue { $0.nextSeq - 1 } }

    /// Subscribes to events published from now on.
    /// - Parameters:
    ///   - channel: the way the subscriber delivers events; its drops are counted under that label.
    ///   - capacity: events buffered before the oldest is dropped (and counted on `channel`).
    ///   - isClient: a client connection (websocket, long-poll) that ``finishClientStreams()`` ends at shutdown;
    ///     notifiers pass `false` and end their own stream when they have drained it.
    ///   - countsDrops: whether an event dropped from the buffer is lost to the subscriber and counted; a long-poll's
    ///     wake-up subscription passes `false`, since it reads its events from the history, not from the buffer.
    package func subscribe(
        channel: EventChannel, capacity: Int, isClient: Bool, countsDrops: Bool = true
    ) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Event.self, bufferingPolicy: .bufferingNewest(max(1, capacity)))
        let id: UInt64? = state.withLockedValue { state in
            if isClient && state.clientsClosed { return nil }
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = Subscriber(
                continuation: continuation, channel: channel, isClient: isClient, countsDrops: countsDrops)
            return id
        }
        guard let id else {
            continuation.finish()
            return Subscription(id: 0, events: stream)
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return Subscription(id: id, events: stream)
    }

    /// Ends a subscription: its stream delivers what it buffered, then finishes.
    package func unsubscribe(_ subscription: Subscription) {
        let subscriber = state.withLockedValue { $0.subscribers.removeValue(forKey: subscription.id) }
        subscriber?.continuation.finish()
    }

    /// Ends every client stream (websockets, long-polls) and refuses new ones: the first step of a shutdown.
    package func finishClientStreams() {
        let clients = state.withLockedValue { state in
            state.clientsClosed = true
            let clients = state.subscribers.filter { $0.value.isClient }
            for id in clients.keys { state.subscribers[id] = nil }
            return clients.values.map(\.continuation)
        }
        for continuation in clients { continuation.finish() }
    }

    private func remove(_ id: UInt64) {
        _ = state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
    }

    /// The kept events after `after`, at most `limit` of them.
    package func events(after: UInt64, limit: Int = 1000) -> Page {
        state.withLockedValue { state in
            let oldest = state.history.first?.seq
            var page = Page(events: [], next: after, truncated: false, oldest: oldest)
            guard let oldest else {
                // Nothing kept: events after `after` were forgotten only if some were ever published.
                page.truncated = after < state.nextSeq - 1
                return page
            }
            page.truncated = after + 1 < oldest
            let start = after < oldest ? 0 : Int(min(after - oldest + 1, UInt64(state.history.count)))
            let end = min(state.history.count, start + max(1, limit))
            if start < end {
                let first = state.history.index(state.history.startIndex, offsetBy: start)
                let last = state.history.index(state.history.startIndex, offsetBy: end)
                page.events = Array(state.history[first..<last])
            }
            page.next = page.events.last?.seq ?? after
            return page
        }
    }

    /// The events after `after`, waiting up to `timeout` for the next one when there are none yet.
    ///
    /// Returns at once when events are kept after `after`; otherwise when an event is published, the timeout
    /// passes, the task is cancelled or the bus shuts client streams.
    package func waitForEvents(after: UInt64, timeout: Duration, limit: Int = 1000) async -> Page {
        // Subscribe before looking, so an event published in between wakes us.
        let subscription = subscribe(channel: .longpoll, capacity: 1, isClient: true, countsDrops: false)
        defer { unsubscribe(subscription) }
        let page = events(after: after, limit: limit)
        guard page.events.isEmpty, timeout > .zero else { return page }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in subscription.events where event.seq > after { return }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return events(after: after, limit: limit)
    }
}

extension EventBus {
    /// Subscribers now (notifiers, websockets, waiting long-polls).
    package var subscriberCount: Int { state.withLockedValue { $0.subscribers.count } }
}
