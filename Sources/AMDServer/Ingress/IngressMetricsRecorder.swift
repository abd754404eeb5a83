/// Where a ``CallReporter`` adds its call's batched metrics: the daemon's registry (``IngressMetrics``), or nothing
/// where there is no registry (a fuzz target).
///
/// A protocol rather than ``ServerMetrics`` itself so that the reporter, and the websocket session that holds one,
/// build without the metrics libraries.
package protocol IngressMetricsRecorder: Sendable {
    /// Adds one batch: its units, its samples as seconds of audio at `sampleRate` Hz, its detector time.
    func record(_ batch: IngressMetricsBatch, sampleRate: Int)
}
