import Metrics
import NIOCore

/// One ALSA device's call as its capture thread tracks it: the call's stream and the metrics not yet counted.
///
/// Owned by the device's thread (``ALSAIngress``) and never shared, so the per-period path takes no lock and
/// allocates nothing. Stream time is the samples captured divided by the device's rate (audio lost in an overrun is
/// not counted).
struct ALSAIngressStream {
    /// The call: detector, stream time, counters reports.
    private(set) var call: PCMCallStream
    /// Periods, samples and detector wall-clock nanoseconds not yet added to the metrics.
    private var batchPeriods: Int64 = 0
    private var batchSamples: Int64 = 0
    private var batchDetectorNanoseconds: UInt64 = 0

    /// Starts tracking a device's call.
    init(call: PCMCallStream) {
        self.call = call
    }

    /// Feeds one period of S16_LE samples to the detector; reports beeps at once and counters (and metrics) every
    /// ``ALSAIngress/reportIntervalMs`` of stream time.
    mutating func process(
        _ period: UnsafeRawBufferPointer, sink: any CallSink, metrics: ServerMetrics, deviceMetrics: ALSAMetrics
    ) {
        let start = NIODeadline.now().uptimeNanoseconds
        let reported = call.process(period, sink: sink, reportIntervalMs: ALSAIngress.reportIntervalMs)
        batchPeriods += 1
        batchSamples += Int64(period.count / 2)
        batchDetectorNanoseconds += NIODeadline.now().uptimeNanoseconds &- start
        if reported { flushMetrics(metrics, deviceMetrics: deviceMetrics) }
    }

    /// Adds the periods, audio seconds and detector seconds not yet counted to the metrics.
    mutating func flushMetrics(_ metrics: ServerMetrics, deviceMetrics: ALSAMetrics) {
        guard batchPeriods > 0 else { return }
        deviceMetrics.periods.increment(by: batchPeriods)
        metrics.audioSeconds.increment(by: Double(batchSamples) / Double(call.sampleRate))
        metrics.detectorSeconds.increment(by: Double(batchDetectorNanoseconds) / 1e9)
        batchPeriods = 0
        batchSamples = 0
        batchDetectorNanoseconds = 0
    }
}
