import AMDCore
import AMDServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing

/// A real HTTP server in the test that records the webhooks it receives, optionally answering slowly or failing.
final class WebhookReceiver: Sendable {
    let bodies = Mutex<[String]>([])
    let failuresLeft: Mutex<Int>
    let delay: Duration

    init(delay: Duration = .zero, failFirst: Int = 0) {
        self.delay = delay
        failuresLeft = Mutex(failFirst)
    }

    /// Runs the server until `body` returns; `body` gets the bound port.
    func serve(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            let fail = self.failuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            if fail { return Response(status: .serviceUnavailable) }
            self.bodies.withLock { $0.append(String(buffer: buffer)) }
            return Response(status: .noContent)
        }
        let port = Mutex<Int?>(nil)
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.withLock { $0 = channel.localAddress?.port }
                portContinuation.yield(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portStream.makeAsyncIterator()
            let bound = await iterator.next() ?? 0
            do {
                try await body(bound)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    var types: [String] {
        bodies.withLock { $0 }.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["type"] as? String
        }
    }
}

struct WebhookNotifierTests {
    @Test func deadAndSlowReceiversDoNotDelayTheOthers() async throws {
        let good = WebhookReceiver()
        let flaky = WebhookReceiver(failFirst: 2)
        // Each of the slow receiver's answers takes 8 s, so it has both events only after 16 s: the good receiver
        // having both before then shows that it never waited behind the slow one, however loaded the machine is.
        let slow = WebhookReceiver(delay: .seconds(8))
        // A port nothing listens on: bind a socket, read its port, close it.
        let (_, probe) = try await UDPReceiver.start()
        let deadPort = probe.localAddress?.port ?? 9
        try await probe.close()
        try await good.serve { goodPort in
            try await flaky.serve { flakyPort in
                try await slow.serve { slowPort in
                    let hooks = [
                        "http://127.0.0.1:\(deadPort)/hook", "http://127.0.0.1:\(slowPort)/hook",
                        "http://127.0.0.1:\(goodPort)/hook", "http://127.0.0.1:\(flakyPort)/hook",
                    ]
                    try await withDaemon({
                        $0.webhooks = hooks
                        $0.webhookAttempts = 4
                        $0.webhookTimeout = .seconds(10)
                    }) { control, _ in
                        try await eventually("four webhook notifiers to subscribe") {
                            control.bus.subscriberCount >= 4
                        }
                        let id = try #require(control.hub.open(rtpDescriptor()))
                        control.hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400))
                        try await eventually(timeout: .seconds(15), "the good receiver to get both events") {
                            good.types == ["call_started", "beep"]
                        }
                        #expect(slow.types.count < 2, "the good receiver waited behind the slow one")
                        // The flaky receiver gets them after retries with backoff.
                        try await eventually(timeout: .seconds(20), "retries to reach the flaky receiver") {
                            flaky.types.count == 2
                        }
                        try await eventually(timeout: .seconds(40), "the slow receiver") { slow.types.count == 2 }
                    }
                }
            }
        }
        #expect(good.types == ["call_started", "beep"])
    }

    @Test func fullQueueDropsAndCounts() async throws {
        let slow = WebhookReceiver(delay: .seconds(1))
        try await slow.serve { port in
            try await withDaemon({
                $0.webhooks = ["http://127.0.0.1:\(port)/hook"]
                $0.webhookQueue = 2
                $0.shutdownTimeout = .seconds(1)
            }) { control, ports in
                try await eventually("the webhook notifier to subscribe") { control.bus.subscriberCount >= 1 }
                for ssrc in 0..<20 as Range<UInt32> { _ = control.hub.open(rtpDescriptor(ssrc: ssrc)) }
                let metrics = try await request(.GET, port: ports.http, "/metrics")
                let line = metrics.body.split(separator: "\n").first {
                    $0.hasPrefix(#"amd_events_dropped_total{channel="webhook"}"#)
                }
                let dropped = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                #expect(dropped >= 17)
            }
        }
    }
}
