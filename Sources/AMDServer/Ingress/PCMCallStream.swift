import AMDCore

/// One call fed 16-bit little-endian PCM, as an ingress that owns it tracks it: the detector, the stream time, and
/// when counters were last reported.
///
/// Shared by the ingresses that carry linear PCM (``VonageSession``, ``ALSAIngressStream``). A value owned by one
/// task or thread, so feeding it takes no lock; the detector's buffers are sized when the call starts and nothing is
/// allocated per frame. Stream time is the samples received divided by the rate.
struct PCMCallStream: Sendable {
    /// The hub's id for the call.
    let callID: String
    /// The stream's rate, in Hz.
    let sampleRate: Int
    /// The call's detector (``AudioEncoding/linear16`` at ``sampleRate``).
    var detector: StreamDetector
    /// Samples received so far.
    private(set) var samples: Int64 = 0
    /// Frames (websocket messages, ALSA periods) received so far.
    private(set) var frames: Int64 = 0
    /// `audioMs` at the last counters report to the sink.
    private var reportedAudioMs: Int64 = 0

    /// Starts tracking a call whose audio comes at `sampleRate` Hz.
    init(callID: String, sampleRate: Int, detector: StreamDetector) {
        self.callID = callID
        self.sampleRate = sampleRate
        self.detector = detector
    }

    /// The counters the hub shows: stream time in milliseconds, frames as `packets`.
    var counters: CallCounters {
        CallCounters(audioMs: samples * 1000 / Int64(sampleRate), packets: frames)
    }

    /// Feeds one frame of 16-bit little-endian samples: beeps and answer decisions go to `sink` at once, counters
    /// once at least ``CallCounters/reportIntervalMs`` of stream time passed since the last report. Returns whether
    /// it reported counters.
    @discardableResult
    mutating func process(_ bytes: UnsafeRawBufferPointer, sink: any CallSink) -> Bool {
        samples += Int64(bytes.count / 2)
        frames += 1
        let counters = counters
        let callID = callID
        detector.process(bytes) { sink.report($0, for: callID, counters: counters) }
        return report(counters, sink: sink)
    }

    /// Advances stream time over `sampleCount` samples the ingress lost (an ALSA overrun): the detector takes them as
    /// a gap, as RTP's lost packets, so later events keep the line's own time; no frame is counted.
    @discardableResult
    mutating func skip(lostSamples sampleCount: Int64, sink: any CallSink) -> Bool {
        guard sampleCount > 0 else { return false }
        samples += sampleCount
        let counters = counters
        let callID = callID
        detector.processSilence(sampleCount: Int(clamping: sampleCount)) {
            sink.report($0, for: callID, counters: counters)
        }
        return report(counters, sink: sink)
    }

    /// Ends the detector's stream before the call closes: an undecided answer and an unended machine greeting are
    /// reported to `sink` now.
    mutating func finish(sink: any CallSink) {
        let counters = counters
        let callID = callID
        detector.finish { sink.report($0, for: callID, counters: counters) }
    }

    /// Sends `counters` to the sink once at least ``CallCounters/reportIntervalMs`` of stream time passed since the
    /// last report.
    private mutating func report(_ counters: CallCounters, sink: any CallSink) -> Bool {
        guard counters.audioMs - reportedAudioMs >= CallCounters.reportIntervalMs else { return false }
        reportedAudioMs = counters.audioMs
        sink.update(callID, counters: counters)
        return true
    }
}
