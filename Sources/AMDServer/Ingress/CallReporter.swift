import AMDCore

/// One call's path from its ingress to the ``CallSink`` and the metrics: what its detector finds, its counters every
/// ``CallCounters/reportIntervalMs`` of stream time, its DTMF digits and its end.
///
/// Every ingress (RTP, websocket, ALSA) owns one per call, beside the call's ``StreamDetector``, on the event loop,
/// task or thread that feeds the call, so nothing here takes a lock and nothing is allocated per packet. The ingress
/// counts packets (``countPacket()``), feeds the detector through ``detect(_:countsAudio:observe:_:)`` and asks
/// for a counters report once per packet (``reportCountersIfDue()``). What the hub publishes (beeps, the answer
/// decision, the machine's end) is held until the detector returns and then reported with the counters as of the end
/// of that audio: the counters read the detector's stream time, which cannot be read inside its own callback. The
/// sink sees each call in the hub's order: opened (by the ingress), outputs and counters, closed (``end(_:reason:)``).
///
/// The metrics (audio and detector seconds, and the units of an ingress that batches them) are added to the
/// ``IngressMetricsRecorder`` at each counters report and at the end, never per packet.
struct CallReporter: Sendable {
    /// The hub's id for the call.
    let callID: String
    /// The call's counters: stream time as of the audio the detector has taken, packets counted, packets lost.
    private(set) var counters = CallCounters()
    private let sink: any CallSink
    private let metrics: (any IngressMetricsRecorder)?
    /// The stream's rate, in Hz, to turn samples into seconds of audio.
    private let sampleRate: Int
    /// `counters.audioMs` at the last counters report.
    private var reportedAudioMs: Int64 = 0
    /// What the metrics have not been given yet.
    private var batch = IngressMetricsBatch()
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000
    private static let attosecondsPerNanosecond: Int64 = 1_000_000_000

    /// Starts reporting a call the sink has just opened.
    /// - Parameters:
    ///   - callID: the id ``CallSink/open(_:)`` returned.
    ///   - sink: where the call is reported.
    ///   - sampleRate: the rate of the audio the ingress gives the detector, in Hz (above 0).
    ///   - metrics: where the call's metrics go; `nil` for none.
    init(callID: String, sink: any CallSink, sampleRate: Int, metrics: (any IngressMetricsRecorder)?) {
        self.callID = callID
        self.sink = sink
        self.sampleRate = sampleRate
        self.metrics = metrics
    }

    /// Sets the no-beep timeout the hub has for the call (a registration's, or the daemon's) on its detector. Call
    /// once, before the first audio.
    func applyNoBeepTimeout(to detector: inout StreamDetector) {
        // The hub validated the timeout against the detector's bounds.
        if let ms = sink.noBeepTimeoutMs(forCall: callID) { try? detector.setNoBeepTimeout(ms: ms) }
    }

    /// Counts one packet of the call (an RTP datagram, a websocket message, an ALSA period), in the counters and as
    /// one unit for the metrics.
    mutating func countPacket() {
        counters.packets += 1
        batch.add(units: 1)
    }

    /// Sets the packets lost so far (RTP: the jitter buffer's count), for the next report.
    mutating func setPacketsLost(_ total: Int64) {
        counters.packetsLost = total
    }

    /// Runs `feed` on the call's detector, then reports to the sink what it found that the hub publishes, with the
    /// counters as of the end of the fed audio.
    ///
    /// `feed` gets the detector and the callback to give it. An array for the outputs is allocated only when the
    /// detector finds one (a few times per call).
    /// - Parameters:
    ///   - detector: the call's detector.
    ///   - countsAudio: whether the fed samples count in `amd_audio_seconds_total`; `false` for stream time the
    ///     ingress lost (an ALSA overrun), which the detector takes as silence.
    ///   - observe: sees every output inside the detector's callback, for the ingress's logs; it must not touch
    ///     this reporter.
    ///   - feed: gives the detector its audio (or silence, or the end of the stream).
    mutating func detect(
        _ detector: inout StreamDetector,
        countsAudio: Bool = true,
        observe: (BeepDetector.Output) -> Void = { _ in },
        _ feed: (inout StreamDetector, (BeepDetector.Output) -> Void) -> Void
    ) {
        var found: [BeepDetector.Output] = []
        let samplesBefore = detector.inputSamples
        let start = ContinuousClock.now
        // Both closures are called only inside this method; the compiler cannot see that `feed` does not call
        // `observe` itself.
        withoutActuallyEscaping(observe) { observe in
            feed(&detector) { output in
                observe(output)
                switch output {
                case .beep, .answer, .machineEnd: found.append(output)
                case .rejection, .candidate: break
                }
            }
        }
        let elapsed = (ContinuousClock.now - start).components
        batch.add(
            samples: countsAudio ? detector.inputSamples - samplesBefore : 0,
            detectorNanoseconds: elapsed.seconds * Self.nanosecondsPerSecond
                + elapsed.attoseconds / Self.attosecondsPerNanosecond)
        counters.audioMs = detector.streamTimeMs
        for output in found { sink.report(output, for: callID, counters: counters) }
    }

    /// Reports a DTMF digit seen on the call.
    func dtmf(_ digit: String) {
        sink.dtmf(callID, digit: digit)
    }

    /// Reports the counters to the sink, and the batched metrics to the recorder, once at least
    /// ``CallCounters/reportIntervalMs`` of stream time passed since the last report. Returns whether it reported.
    @discardableResult
    mutating func reportCountersIfDue() -> Bool {
        guard counters.audioMs - reportedAudioMs >= CallCounters.reportIntervalMs else { return false }
        reportedAudioMs = counters.audioMs
        flushMetrics()
        sink.update(callID, counters: counters)
        return true
    }

    /// Ends the call: ends the detector's stream (an undecided answer and an unended machine greeting are reported
    /// now), gives the metrics what is left, and closes the call with its last counters. Call once.
    /// - Parameters:
    ///   - detector: the call's detector.
    ///   - reason: why the call ended (its `end_reason`).
    mutating func end(_ detector: inout StreamDetector, reason: CallEndReason) {
        detect(&detector) { detector, onOutput in detector.finish(onOutput: onOutput) }
        flushMetrics()
        sink.close(callID, counters: counters, reason: reason)
    }

    /// Gives the batched metrics to the recorder, if any were added.
    private mutating func flushMetrics() {
        guard !batch.isEmpty else { return }
        metrics?.record(batch, sampleRate: sampleRate)
        batch = IngressMetricsBatch()
    }
}
