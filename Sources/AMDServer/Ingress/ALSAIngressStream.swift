import Metrics
import NIOCore

/// One ALSA device's calls as its capture thread tracks them: one call stream per channel, and the metrics not yet
/// counted.
///
/// Owned by the device's thread (``ALSAIngress``) and never shared, so the per-period path takes no lock and
/// allocates nothing: each channel's samples are taken out of the interleaved period into a buffer sized once, for a
/// whole period. Stream time is the samples captured plus the samples lost to overruns (``skip(lostFrames:sink:)``),
/// divided by the device's rate.
struct ALSAIngressStream {
    /// One stream per channel, in channel order; `nil` for a channel whose call the hub refused (`--max-calls`).
    private(set) var calls: [PCMCallStream?]
    /// One channel's S16_LE samples of the current period, taken out of the interleaved period.
    private var channelBytes: [UInt8]
    /// Periods, samples (over every open channel) and detector time not yet added to the metrics.
    private var metricsBatch = IngressMetricsBatch()
    /// The device's rate, in Hz.
    private let sampleRate: Int

    /// Starts tracking a device's calls, one per channel, for periods of at most `periodFrames` frames.
    init(calls: [PCMCallStream?], sampleRate: Int, periodFrames: Int) {
        self.calls = calls
        self.sampleRate = sampleRate
        channelBytes = [UInt8](repeating: 0, count: periodFrames * ALSACapture.bytesPerSample)
    }

    /// Feeds one period of interleaved S16_LE frames to each channel's detector; reports beeps at once and counters
    /// (and metrics) every ``CallCounters/reportIntervalMs`` of stream time.
    mutating func process(
        _ period: UnsafeRawBufferPointer, sink: any CallSink, metrics: ServerMetrics, deviceMetrics: ALSAMetrics
    ) {
        let start = NIODeadline.now().uptimeNanoseconds
        let width = ALSACapture.bytesPerSample
        let channels = calls.count
        let frames = period.count / (width * channels)
        var reported = false
        // Each call is mutated in place (`calls[channel]!`): a copy would share the detector's buffers and copy
        // them on write.
        for channel in calls.indices where calls[channel] != nil {
            guard channels > 1 else {
                let samples = UnsafeRawBufferPointer(rebasing: period[0..<(frames * width)])
                reported = calls[channel]!.process(samples, sink: sink)
                continue
            }
            channelBytes.withUnsafeMutableBytes { out in
                for frame in 0..<frames {
                    let from = (frame * channels + channel) * width
                    out[frame * width] = period[from]
                    out[frame * width + 1] = period[from + 1]
                }
            }
            channelBytes.withUnsafeBytes { bytes in
                let samples = UnsafeRawBufferPointer(rebasing: bytes[0..<(frames * width)])
                if calls[channel]!.process(samples, sink: sink) {
                    reported = true
                }
            }
        }
        let elapsed = Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds &- start)
        let openCalls = calls.count { $0 != nil }
        metricsBatch.add(units: 1, samples: Int64(frames * openCalls), detectorNanoseconds: elapsed)
        if reported { flushMetrics(metrics, deviceMetrics: deviceMetrics) }
    }

    /// Moves every channel's stream time on over `lostFrames` frames the device lost to an overrun, and counts them
    /// in the device's metrics.
    mutating func skip(lostFrames: Int64, sink: any CallSink, deviceMetrics: ALSAMetrics) {
        guard lostFrames > 0 else { return }
        for channel in calls.indices where calls[channel] != nil {
            calls[channel]!.skip(lostSamples: lostFrames, sink: sink)
        }
        deviceMetrics.lostSeconds.increment(by: Double(lostFrames) / Double(sampleRate))
    }

    /// Adds the periods, audio seconds (every open channel's) and detector seconds not yet counted to the metrics.
    mutating func flushMetrics(_ metrics: ServerMetrics, deviceMetrics: ALSAMetrics) {
        guard metricsBatch.pendingUnits > 0 else { return }
        metricsBatch.flush(to: metrics, sampleRate: sampleRate, unitsCounter: deviceMetrics.periods)
    }
}
