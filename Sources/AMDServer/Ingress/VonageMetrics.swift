package import Metrics

/// The Vonage websocket ingress's metrics, on the daemon's registry (``ServerMetrics/factory``).
///
/// Kept beside the ingress rather than in ``ServerMetrics`` so the ingress stays one folder; the registry returns
/// the same series when a second ingress asks for the same name and labels. Frames are counted in batches (about
/// every 500 ms of audio) by the connection's task, not per frame.
package final class VonageMetrics: Sendable {
    /// Websocket upgrades accepted on `--ws-path`.
    package let connections: CoreMetrics.Counter
    /// Binary (audio) messages received.
    package let frames: CoreMetrics.Counter
    /// `websocket:dtmf` messages received.
    package let dtmfMessages: CoreMetrics.Counter
    /// Text messages after the header that were neither DTMF nor understood.
    package let ignoredMessages: CoreMetrics.Counter
    private let rejected: [String: CoreMetrics.Counter]
    private let factory: any MetricsFactory

    /// Creates the metrics on `metrics`' registry; every rejection reason's series exists from the start.
    package init(metrics: ServerMetrics) {
        let factory = metrics.factory
        self.factory = factory
        connections = CoreMetrics.Counter(label: "amd_ws_connections_total", factory: factory)
        frames = CoreMetrics.Counter(label: "amd_ws_frames_received_total", factory: factory)
        dtmfMessages = CoreMetrics.Counter(label: "amd_ws_dtmf_messages_total", factory: factory)
        ignoredMessages = CoreMetrics.Counter(label: "amd_ws_text_ignored_total", factory: factory)
        var rejected: [String: CoreMetrics.Counter] = [:]
        for label in VonageSessionError.labels {
            rejected[label] = Self.rejectionCounter(label, factory: factory)
        }
        self.rejected = rejected
    }

    /// The counter of connections closed by the daemon for `error` (`amd_ws_connections_rejected_total{reason}`).
    package func rejections(_ error: VonageSessionError) -> CoreMetrics.Counter {
        // Every label was created in init.
        rejected[error.label] ?? Self.rejectionCounter(error.label, factory: factory)
    }

    private static func rejectionCounter(_ label: String, factory: any MetricsFactory) -> CoreMetrics.Counter {
        CoreMetrics.Counter(
            label: "amd_ws_connections_rejected_total", dimensions: [("reason", label)], factory: factory)
    }
}
