import Metrics

/// The daemon's metrics as one ingress's calls add to them: `amd_audio_seconds_total`, `amd_detector_seconds_total`
/// and, for an ingress that counts its units in batches, the units counter (`amd_ws_frames_received_total`).
///
/// RTP counts its datagrams per datagram and ALSA its periods per device, so they give no units counter.
struct IngressMetrics: IngressMetricsRecorder {
    /// The daemon's metrics.
    let server: ServerMetrics
    /// The counter of units received, or `nil` when the ingress counts them itself.
    let units: CoreMetrics.Counter?
    private static let nanosecondsPerSecond = 1e9

    /// Adds `batch` to the metrics: units to ``units``, samples as seconds at `sampleRate` Hz, detector time.
    func record(_ batch: IngressMetricsBatch, sampleRate: Int) {
        units?.increment(by: batch.units)
        server.audioSeconds.increment(by: Double(batch.samples) / Double(sampleRate))
        server.detectorSeconds.increment(by: Double(batch.detectorNanoseconds) / Self.nanosecondsPerSecond)
    }
}
