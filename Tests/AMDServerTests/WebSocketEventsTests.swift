import AMDCore
import AMDServer
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization
import Testing

/// Messages a client received, shared between the client task and the test.
final class MessageLog: Sendable {
    private let messages = Mutex<[String]>([])
    func append(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }
}

struct WebSocketEventsTests {
    @Test func eventStreamDeliversEveryEventAsText() async throws {
        try await withDaemon({ $0.apiToken = "tok" }) { control, ports in
            let received = MessageLog()
            var logger = Logger(label: "ws-client")
            logger.logLevel = .warning
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.authorization] = "Bearer tok"
            let clientConfiguration = configuration
            let clientLogger = logger
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await WebSocketClient.connect(
                        url: "ws://127.0.0.1:\(ports.http)/v1/events/ws", configuration: clientConfiguration,
                        logger: clientLogger
                    ) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message {
                                received.append(text)
                                if received.all.count == 3 { return }
                            }
                        }
                    }
                }
                try await eventually("the websocket to subscribe") { control.bus.subscriberCount > 0 }
                let id = try #require(control.hub.open(rtpDescriptor()))
                control.hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400))
                control.hub.close(id, counters: CallCounters(audioMs: 2000), reason: .idle)
                try await group.waitForAll()
            }
            let types = received.all.compactMap {
                ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["type"] as? String
            }
            #expect(types == ["call_started", "beep", "call_ended"])
        }
    }

    @Test func eventStreamNeedsTheToken() async throws {
        try await withDaemon({ $0.apiToken = "tok" }) { _, ports in
            var logger = Logger(label: "ws-client")
            logger.logLevel = .critical
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(ports.http)/v1/events/ws", logger: logger
                ) { _, _, _ in }
            }
        }
    }
}
