import AMDCore
import AMDServer
import Foundation
import Testing

struct EventBusTests {
    func makeCall(_ id: String = "c1") -> Call {
        Call(id: id, descriptor: rtpDescriptor(), now: Date())
    }

    @Test func seqIncreasesByOneAndBeepCarriesLegacyFields() throws {
        let bus = EventBus(metrics: ServerMetrics())
        let first = bus.publish(callID: "c1", details: .callStarted(makeCall()))
        let second = bus.publish(callID: "c1", details: .beep(sampleBeep, makeCall()))
        #expect(first.seq == 1 && second.seq == 2)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(second.json.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "beep")
        #expect(object["call_id"] as? String == "c1")
        #expect(object["beep_detected"] as? Bool == true)
        #expect(object["uuids"] as? [String] == ["c1"])
        #expect(object["onset_ms"] as? Int == 1200 && object["detected_ms"] as? Int == 1400)
        #expect(object["frequency_hz"] as? Double == 1004 && object["confidence"] as? Double == 0.97)
        #expect(object["at"] is String && object["seq"] as? Int == 2)
    }

    @Test func historyIsBoundedAndSaysWhenTruncated() {
        let bus = EventBus(historyCapacity: 3, metrics: ServerMetrics())
        for _ in 0..<5 { bus.publish(callID: "c", details: .callStarted(makeCall("c"))) }
        let old = bus.events(after: 0)
        #expect(old.events.map(\.seq) == [3, 4, 5])
        #expect(old.truncated && old.oldest == 3 && old.next == 5)
        let recent = bus.events(after: 3)
        #expect(recent.events.map(\.seq) == [4, 5] && !recent.truncated)
        let none = bus.events(after: 5)
        #expect(none.events.isEmpty && none.next == 5)
    }

    @Test func fullSubscriberDropsOldestWithoutBlockingThePublisher() async {
        let metrics = ServerMetrics()
        let bus = EventBus(metrics: metrics)
        let subscription = bus.subscribe(channel: .udp, capacity: 2, isClient: false)
        for _ in 0..<10 { bus.publish(callID: "c", details: .callStarted(makeCall("c"))) }
        bus.unsubscribe(subscription)
        var seen: [UInt64] = []
        for await event in subscription.events { seen.append(event.seq) }
        #expect(seen == [9, 10])
        #expect(metrics.render().contains(#"amd_events_dropped_total{channel="udp"} 8"#))
    }

    @Test func longPollWakesOnPublish() async throws {
        let bus = EventBus(metrics: ServerMetrics())
        // A page back well within the 10-minute wait can only come from the publish waking it. The margin leaves
        // room for a concurrency pool held for a minute or more by the CPU-heavy suites running beside this one on
        // 2 cores, or by a sanitizer; a wake-up that never comes still fails, after the wait.
        async let page = bus.waitForEvents(after: 0, timeout: .seconds(600))
        try await eventually(timeout: .seconds(120), "the waiter to subscribe") { bus.subscriberCount > 0 }
        let published = ContinuousClock.now
        bus.publish(callID: "c", details: .beep(sampleBeep, makeCall("c")))
        let result = await page
        #expect(result.events.map(\.seq) == [1])
        #expect(ContinuousClock.now - published < .seconds(300))
    }

    @Test func longPollTimesOutEmpty() async {
        let bus = EventBus(metrics: ServerMetrics())
        let page = await bus.waitForEvents(after: 0, timeout: .milliseconds(50))
        #expect(page.events.isEmpty && page.next == 0 && !page.truncated)
    }

    @Test func finishingClientStreamsEndsThemAndRefusesNewOnes() async {
        let bus = EventBus(metrics: ServerMetrics())
        let client = bus.subscribe(channel: .websocket, capacity: 10, isClient: true)
        let notifier = bus.subscribe(channel: .webhook, capacity: 10, isClient: false)
        bus.finishClientStreams()
        for await _ in client.events {}
        let late = bus.subscribe(channel: .websocket, capacity: 10, isClient: true)
        for await _ in late.events {}
        bus.publish(callID: "c", details: .callStarted(makeCall("c")))
        bus.unsubscribe(notifier)
        var count = 0
        for await _ in notifier.events { count += 1 }
        #expect(count == 1)
    }
}
