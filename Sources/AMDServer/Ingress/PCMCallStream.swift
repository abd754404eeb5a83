import AMDCore

/// One call fed 16-bit little-endian PCM, as an ingress that owns it tracks it: the detector and the call's
/// ``CallReporter``.
///
/// Shared by the ingresses that carry linear PCM (``VonageSession``, ``ALSAIngressStream``). A value owned by one
/// task or thread, so feeding it takes no lock; the detector's buffers are sized when the call starts and nothing is
/// allocated per frame. Stream time is the detector's: the samples received (and lost) divided by the rate.
struct PCMCallStream: Sendable {
    /// Where the call's outputs, counters and end go.
    private var reporter: CallReporter
    /// The call's detector (``AudioEncoding/linear16``).
    private var detector: StreamDetector

    /// Starts tracking a call the sink has opened, with the no-beep timeout the hub has for it (a registration's, or
    /// the daemon's `--no-beep-timeout`) set on `detector`.
    init(reporter: CallReporter, detector: StreamDetector) {
        self.reporter = reporter
        self.detector = detector
        reporter.applyNoBeepTimeout(to: &self.detector)
    }

    /// The hub's id for the call.
    var callID: String { reporter.callID }

    /// The counters the hub shows: stream time in milliseconds, frames as `packets`.
    var counters: CallCounters { reporter.counters }

    /// Feeds one frame of 16-bit little-endian samples: beeps and answer decisions go to the sink at once, counters
    /// once at least ``CallCounters/reportIntervalMs`` of stream time passed since the last report. Returns whether
    /// it reported counters.
    @discardableResult
    mutating func process(_ bytes: UnsafeRawBufferPointer) -> Bool {
        reporter.countPacket()
        reporter.detect(&detector) { detector, onOutput in detector.process(bytes, onOutput: onOutput) }
        return reporter.reportCountersIfDue()
    }

    /// Advances stream time over `sampleCount` samples the ingress lost (an ALSA overrun): the detector takes them as
    /// a gap, as RTP's lost packets, so later events keep the line's own time; no frame is counted.
    @discardableResult
    mutating func skip(lostSamples sampleCount: Int64) -> Bool {
        guard sampleCount > 0 else { return false }
        reporter.detect(&detector, countsAudio: false) { detector, onOutput in
            detector.processSilence(sampleCount: Int(clamping: sampleCount), onOutput: onOutput)
        }
        return reporter.reportCountersIfDue()
    }

    /// Reports a DTMF digit seen on the call.
    func dtmf(_ digit: String) {
        reporter.dtmf(digit)
    }

    /// Ends the call: the detector's last outputs, the metrics left, the close with `reason`. Call once.
    mutating func end(reason: CallEndReason) {
        reporter.end(&detector, reason: reason)
    }
}
