package import Metrics

/// One ALSA capture device's metrics, on the daemon's registry (``ServerMetrics/factory``), labelled by device.
///
/// Kept beside the ingress, as ``VonageMetrics`` is. Created once when the device's capture starts; the capture
/// thread counts periods in batches (about every 500 ms of audio), not per period.
package struct ALSAMetrics: Sendable {
    /// Periods read from the device (`amd_alsa_periods_total{device}`).
    package let periods: CoreMetrics.Counter
    /// Overruns and suspends the capture recovered from, each losing some audio
    /// (`amd_alsa_overruns_total{device}`).
    package let overruns: CoreMetrics.Counter
    /// Captures ended by a device error (`amd_alsa_errors_total{device}`).
    package let errors: CoreMetrics.Counter
    /// Audio the device captured but the reader lost to overruns, in seconds (`amd_alsa_lost_seconds_total{device}`);
    /// its calls' stream time moves on over it.
    package let lostSeconds: CoreMetrics.FloatingPointCounter

    /// Creates the device's series on `metrics`' registry.
    package init(device: String, metrics: ServerMetrics) {
        let factory = metrics.factory
        let dimensions = [("device", device)]
        periods = CoreMetrics.Counter(label: "amd_alsa_periods_total", dimensions: dimensions, factory: factory)
        overruns = CoreMetrics.Counter(label: "amd_alsa_overruns_total", dimensions: dimensions, factory: factory)
        errors = CoreMetrics.Counter(label: "amd_alsa_errors_total", dimensions: dimensions, factory: factory)
        lostSeconds = CoreMetrics.FloatingPointCounter(
            label: "amd_alsa_lost_seconds_total", dimensions: dimensions, factory: factory)
    }
}
