import Metrics

/// One ALSA device's calls as its capture thread tracks them: one call stream per channel, and the periods not yet
/// counted.
///
/// Owned by the device's thread (``ALSAIngress``) and never shared, so the per-period path takes no lock and
/// allocates nothing: each channel's samples are taken out of the interleaved period into a buffer sized once, for a
/// whole period. Stream time is the samples captured plus the samples lost to overruns (``skip(lostFrames:)``),
/// divided by the device's rate. Each call reports through its own ``CallReporter``; the periods are the device's,
/// counted here and added to `amd_alsa_periods_total` whenever the calls report their counters.
struct ALSAIngressStream {
    /// One stream per channel, in channel order; `nil` for a channel whose call the hub refused (`--max-calls`).
    private(set) var calls: [PCMCallStream?]
    /// One channel's S16_LE samples of the current period, taken out of the interleaved period.
    private var channelBytes: [UInt8]
    /// Periods read since they were last added to the metrics.
    private var pendingPeriods: Int64 = 0
    /// The device's rate, in Hz.
    private let sampleRate: Int
    /// The device's metrics.
    private let deviceMetrics: ALSAMetrics

    /// Starts tracking a device's calls, one per channel, for periods of at most `periodFrames` frames.
    init(calls: [PCMCallStream?], sampleRate: Int, periodFrames: Int, deviceMetrics: ALSAMetrics) {
        self.calls = calls
        self.sampleRate = sampleRate
        self.deviceMetrics = deviceMetrics
        channelBytes = [UInt8](repeating: 0, count: periodFrames * ALSACapture.bytesPerSample)
    }

    /// Feeds one period of interleaved S16_LE frames to each channel's detector; each call reports beeps at once and
    /// counters (and metrics) every ``CallCounters/reportIntervalMs`` of stream time.
    mutating func process(_ period: UnsafeRawBufferPointer) {
        let width = ALSACapture.bytesPerSample
        let channels = calls.count
        let frames = period.count / (width * channels)
        var reported = false
        // Each call is mutated in place through optional chaining (`calls[channel]?`). Testing `!= nil` first made
        // the optimiser copy the whole stream, a retain per detector buffer, every period; a channel without a call
        // (refused at the call limit) costs only its de-interleaving.
        for channel in calls.indices {
            guard channels > 1 else {
                let samples = UnsafeRawBufferPointer(rebasing: period[0..<(frames * width)])
                reported = calls[channel]?.process(samples) ?? false
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
                if calls[channel]?.process(samples) == true {
                    reported = true
                }
            }
        }
        pendingPeriods += 1
        if reported { flushPeriods() }
    }

    /// Moves every channel's stream time on over `lostFrames` frames the device lost to an overrun, and counts them
    /// in the device's metrics.
    mutating func skip(lostFrames: Int64) {
        guard lostFrames > 0 else { return }
        for channel in calls.indices {
            calls[channel]?.skip(lostSamples: lostFrames)
        }
        deviceMetrics.lostSeconds.increment(by: Double(lostFrames) / Double(sampleRate))
    }

    /// Counts the periods not yet counted and ends every call with `reason`. Call once, when the capture stops.
    mutating func end(reason: CallEndReason) {
        flushPeriods()
        for channel in calls.indices {
            calls[channel]?.end(reason: reason)
        }
    }

    /// Adds the periods not yet counted to `amd_alsa_periods_total`.
    private mutating func flushPeriods() {
        guard pendingPeriods > 0 else { return }
        deviceMetrics.periods.increment(by: pendingPeriods)
        pendingPeriods = 0
    }
}
