package import AsyncHTTPClient
package import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// POSTs every event as JSON to one `--webhook URL`, retrying failures with exponential backoff.
///
/// Each endpoint has its own notifier, queue and task, so a dead or slow receiver only fills its own queue:
/// when the queue is full its oldest events are dropped, counted (`amd_events_dropped_total{channel="webhook"}`)
/// and logged, and neither detection nor the other receivers wait for it.
package struct WebhookNotifier: Service {
    /// Retry and queue settings of a webhook.
    package struct Policy: Sendable {
        /// Events queued for this endpoint before the oldest is dropped.
        package var queueCapacity: Int
        /// Attempts per event, the first included.
        package var maxAttempts: Int
        /// Wait before the first retry; doubled for each next one.
        package var initialBackoff: Duration
        /// Longest wait between attempts.
        package var maxBackoff: Duration
        /// Time allowed for one request, connection included.
        package var requestTimeout: Duration
        /// Time allowed at shutdown to deliver what is queued.
        package var drainDeadline: Duration

        /// Creates a policy.
        package init(
            queueCapacity: Int = 1000, maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(250),
            maxBackoff: Duration = .seconds(8), requestTimeout: Duration = .seconds(5),
            drainDeadline: Duration = .seconds(5)
        ) {
            self.queueCapacity = queueCapacity
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.requestTimeout = requestTimeout
            self.drainDeadline = drainDeadline
        }
    }

    /// The receiver's URL.
    package let url: String
    let policy: Policy
    let bus: EventBus
    let metrics: ServerMetrics
    let logger: Logger
    let client: HTTPClient

    /// Creates a notifier; it sends nothing until ``run()``.
    package init(
        url: String, policy: Policy, bus: EventBus, metrics: ServerMetrics, logger: Logger,
        client: HTTPClient = .shared
    ) {
        self.url = url
        self.policy = policy
        self.bus = bus
        self.metrics = metrics
        self.logger = logger
        self.client = client
    }

    /// Delivers events until shutdown.
    package func run() async {
        await NotifierLoop.run(
            bus: bus, channel: .webhook, capacity: policy.queueCapacity, drainDeadline: policy.drainDeadline,
            logger: logger, endpoint: url
        ) { event in
            await deliver(event)
        }
    }

    /// Sends one event, retrying on connection errors, timeouts, 408, 429 and 5xx.
    func deliver(_ event: Event) async {
        var backoff = policy.initialBackoff
        for attempt in 1...max(1, policy.maxAttempts) {
            let outcome = await post(event)
            switch outcome {
            case .delivered:
                metrics.eventSent(channel: .webhook)
                return
            case .rejected(let status):
                metrics.eventDropped(channel: .webhook)
                logger.warning(
                    "webhook rejected event",
                    metadata: ["url": "\(url)", "seq": "\(event.seq)", "status": "\(status)"])
                return
            case .retry(let reason):
                guard attempt < policy.maxAttempts, !Task.isCancelled else {
                    metrics.eventDropped(channel: .webhook)
                    logger.warning(
                        "webhook failed, event dropped",
                        metadata: [
                            "url": "\(url)", "seq": "\(event.seq)", "attempts": "\(attempt)",
                            "reason": "\(reason)",
                        ])
                    return
                }
                logger.debug(
                    "webhook attempt failed, retrying",
                    metadata: ["url": "\(url)", "seq": "\(event.seq)", "attempt": "\(attempt)", "reason": "\(reason)"])
                do {
                    try await Task.sleep(for: backoff)
                } catch {
                    metrics.eventDropped(channel: .webhook)
                    return
                }
                backoff = min(backoff * 2, policy.maxBackoff)
            }
        }
    }

    private enum Outcome {
        case delivered
        case rejected(UInt)
        case retry(String)
    }

    private func post(_ event: Event) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "amd-edge/\(APIServer.version)")
        request.headers.add(name: "X-AMD-Event-Seq", value: String(event.seq))
        request.body = .bytes(ByteBuffer(string: event.json))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(policy.requestTimeout), logger: logger)
            // Read (and discard) a bounded body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = response.status.code
            switch code {
            case 200..<300: return .delivered
            case 408, 429, 500...: return .retry("HTTP \(code)")
            default: return .rejected(code)
            }
        } catch {
            return .retry("\(error)")
        }
    }
}
