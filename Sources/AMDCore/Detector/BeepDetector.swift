/// Finds voicemail beeps in a 16 kHz stream as it arrives, with bounded latency and fixed-size state.
///
/// Each 10 ms frame goes through the ``FrameAnalyzer`` (VAD gate, MFCC, tone analysis). Consecutive tonal frames at
/// one frequency form a ``ToneTrack``; once a track holds `confirm_frames` frames (about 100 ms after the onset) it
/// is judged: frequency range and stability, level beating, signalling-tone rules (DTMF, call progress, SIT, fax),
/// cadence, greeting context, level against the speech, and then the ``TrackClassifier`` over the track's
/// ``TrackMeasurements`` (with the Gaussian NB's log-odds over its MFCC statistics among them). A clear beep is
/// reported there and then, so latency does not grow with the beep's length; a less clear one is judged again after
/// `watch_frames`, or, if it ends first, by whether the line goes quiet. A tone at a signalling frequency is judged
/// again when it ends (its duration, what follows, whether anyone spoke before), a little later but still within
/// the beep. A tone taking over at once from a steady tone is judged as the next tone of a multi-tone beep.
///
/// This type coordinates; each part has one job: ``GreetingContext`` follows what the call carried outside tones,
/// ``TrackScorer`` judges a track, ``PendingTones`` holds ended tones waiting for what follows, ``RecentTones``
/// remembers tones for cadences. The parts return their decisions as values, which are carried out here.
public struct BeepDetector: Sendable {
    /// The model in force.
    public let model: BeepModel
    /// Settings in force (the model's, unless overridden).
    public let configuration: Configuration
    /// Samples consumed so far, at 16 kHz.
    public private(set) var sampleCount: Int64 = 0

    private var frames: FrameAnalyzer
    private var classifier: WindowClassifier
    private var context: GreetingContext
    private let scorer: TrackScorer
    private var pending: PendingTones
    private var recent = RecentTones()
    private let clock: FrameClock
    /// The track being followed, if a tone is sounding (or paused for at most `max_gap_frames`).
    private var track: ToneTrack?
    /// The track before the current one, ended.
    private var previous = ToneTrack(frame: Self.longAgoFrame, tone: ToneFrame())
    private var lastReportFrame = Self.longAgoFrame
    private let refractoryFrames: Int64
    /// Who answered, and how a machine's greeting ended: fed every frame with what the analysis already found.
    private var answer: AnswerClassifier

    /// A frame index long before the stream's start (10,000 s): the end of the "track before the first" and of the
    /// "report before the first", so neither counts as recent.
    static let longAgoFrame: Int64 = -1_000_000
    /// Steps per hertz to which an event's frequency is rounded (tenths of a hertz).
    static let frequencyStepsPerHz = 10.0

    /// Creates a detector with `model`, validating it first, and, optionally, other settings.
    ///
    /// A process that makes many detectors validates its model once as a ``ValidatedModel`` and uses
    /// ``init(validated:configuration:answer:)``.
    /// - Parameters:
    ///   - model: the model.
    ///   - configuration: the beep rules' settings (the model's unless given).
    ///   - answer: the answer decision's thresholds.
    /// - Throws: ``ModelError`` when the model or a setting is invalid.
    public init(
        model: BeepModel,
        configuration: Configuration? = nil,
        answer: AnswerClassifier.Configuration = .default
    ) throws(ModelError) {
        try self.init(validated: ValidatedModel(model), configuration: configuration, answer: answer)
    }

    /// Creates a detector with a model validated beforehand, without validating it again: this is what a call costs
    /// to open.
    /// - Parameters:
    ///   - validated: the model.
    ///   - configuration: the beep rules' settings (the model's, already validated with it, unless given).
    ///   - answer: the answer decision's thresholds.
    /// - Throws: ``ModelError`` when a setting is invalid.
    public init(
        validated: ValidatedModel,
        configuration: Configuration? = nil,
        answer: AnswerClassifier.Configuration = .default
    ) throws(ModelError) {
        let model = validated.model
        self.model = model
        if let configuration { try configuration.validate() }
        let configuration = configuration ?? model.detector
        self.configuration = configuration
        frames = try FrameAnalyzer(specification: model.features, thresholds: configuration.tone)
        let clock = FrameClock(hopSamples: model.features.mfcc.hopLength, sampleRateHz: model.features.mfcc.sampleRate)
        self.clock = clock
        classifier = WindowClassifier(model: model)
        context = GreetingContext(
            hasSpeechClass: classifier.hasSpeechClass,
            contextFrames: model.features.contextFrames,
            configuration: configuration,
            clock: clock
        )
        scorer = TrackScorer(model: model, configuration: configuration, clock: clock)
        pending = PendingTones(configuration: configuration, clock: clock)
        refractoryFrames = clock.frames(ms: configuration.refractoryMs)
        self.answer = try AnswerClassifier(configuration: answer, frameMs: Int(clock.milliseconds(frame: 1)))
    }

    /// Feeds samples at the model's rate (16 kHz); calls `onOutput` with each beep, each beep-like tone it rejects
    /// (for debug logs), and the measurements of each steady tone it scores (for fitting the track classifier), in
    /// stream order, before returning.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, onOutput: (Output) -> Void) {
        var index = 0
        while index < samples.count {
            let (next, completed) = frames.push(samples, from: index)
            index = next
            if completed { handleFrame(onOutput: onOutput) }
        }
        sampleCount += Int64(samples.count)
    }

    private mutating func handleFrame(onOutput: (Output) -> Void) {
        let now = frames.frameIndex
        let tone = frames.tone
        context.observe(voiced: frames.voiced, tonal: tone.isTonal, bandEnergyDb: tone.bandEnergyDb)
        // A track bridges at most `max_gap_frames` non-tonal frames: a tonal frame continues it if no more lie
        // between them (it is at most one past that many); a non-tonal frame keeps it open if it is one of them.
        if tone.isTonal {
            if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) + 1,
                current.continues(with: tone)
            {
                current.add(frame: now, tone: tone)
                track = current
            } else {
                endTrack(at: now, onOutput: onOutput)
                startTrack(at: now, tone: tone)
            }
        } else if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) {
            if frames.analysed { current.observe(frame: now, energyDb: tone.bandEnergyDb) }
            track = current
        } else {
            endTrack(at: now, onOutput: onOutput)
            let windowFrames = model.features.contextFrames
            if frames.analysed, frames.contextCount == windowFrames, now % Int64(windowFrames) == 0 {
                // A whole context window outside any tone: is the line carrying speech or music?
                context.count(classifier.kind(of: frames))
            }
        }
        if var current = track {
            advance(&current, now: now, onOutput: onOutput)
            track = current
        }
        // Voiced sound after a waiting tone counts against it when loud enough to be a voice or melody carrying on.
        if !tone.isTonal && frames.voiced { pending.observeVoiced(bandEnergyDb: tone.bandEnergyDb) }
        carryOut(pending.resolve(now: now, current: track), now: now, onOutput: onOutput)
        frames.holdOpen = track != nil || pending.isWaiting
        let heard = AnswerFrame(
            voiced: frames.voiced,
            analysed: frames.analysed,
            levelDb: tone.bandEnergyDb,
            tonal: tone.isTonal,
            frequencyHz: tone.frequencyHz,
            secondFrequencyHz: tone.secondFrequencyHz
        )
        carryOut(answer.observe(heard, atMs: clock.milliseconds(frame: now)), onOutput: onOutput)
    }

    /// Ends the stream: an undecided call is decided `unknown`, and a machine's greeting that had not ended ends
    /// with `other`. Call once, after the last samples.
    public mutating func finish(onOutput: (Output) -> Void) {
        carryOut(answer.finish(atMs: clock.milliseconds(frame: frames.frameIndex)), onOutput: onOutput)
    }

    /// Sets this call's no-beep timeout, in ms (see ``AnswerClassifier/setNoBeepTimeout(ms:)``).
    /// - Throws: ``ModelError`` outside ``AnswerClassifier/Configuration/noBeepTimeoutRangeMs``.
    public mutating func setNoBeepTimeout(ms: Int) throws(ModelError) {
        try answer.setNoBeepTimeout(ms: ms)
    }

    /// Reports the answer decision and the machine's end, when the classifier made them.
    private func carryOut(_ actions: AnswerClassifier.Actions, onOutput: (Output) -> Void) {
        if let decision = actions.decision { onOutput(.answer(decision)) }
        if let end = actions.machineEnd { onOutput(.machineEnd(end)) }
    }

    /// Starts a track at the tonal frame `now`, after the one that just ended.
    private mutating func startTrack(at now: Int64, tone: ToneFrame) {
        var started = ToneTrack(frame: now, tone: tone)
        started.gapBefore = now - previous.lastFrame
        started.voicedBefore = context.voicedBeforeOnset
        started.takesOver =
            started.gapBefore <= Int64(configuration.maxSuccessionGapFrames)
            && previous.tonalFrames >= configuration.confirmFrames
        if started.takesOver && previous.steady {
            // The next tone of a multi-tone beep, or the next note of a melody: measured from the sequence's start,
            // as one beep would be.
            started.gapBefore = previous.gapBefore
            started.voicedBefore = previous.voicedBefore
            started.sequenceStart = previous.sequenceStart
        }
        track = started
        frames.clearContext()
    }

    /// Moves the current track on by its state: judged once long enough, judged again once watched long enough,
    /// rejected once longer than any beep.
    private mutating func advance(_ current: inout ToneTrack, now: Int64, onOutput: (Output) -> Void) {
        switch current.state {
        case .building where current.tonalFrames >= configuration.confirmFrames:
            let look = scorer.firstLook(
                &current,
                now: now,
                frames: &frames,
                classifier: &classifier,
                context: context,
                recent: recent,
                previous: previous
            )
            if look.remember { recent.remember(current, speechWindows: context.speechWindows) }
            if look.heardSIT { recent.heardSIT(at: now) }
            if look.heardDTMF { recent.heardDTMF(at: now) }
            if let measurements = look.measurements {
                onOutput(
                    .candidate(
                        TrackCandidate(
                            atMs: clock.milliseconds(frame: now),
                            onsetMs: onsetMs(of: current),
                            frequencyHz: current.meanFrequencyHz,
                            measurements: measurements
                        )
                    )
                )
            }
            carryOut(look.verdict, on: &current, now: now, onOutput: onOutput)
        case .watching where current.quietOnly && scorer.isTooLong(current),
            .deferred where scorer.isTooLong(current):
            carryOut(.reject(.tooLong, detail: Double(current.spanFrames)), on: &current, now: now, onOutput: onOutput)
        case .watching where !current.quietOnly && current.tonalFrames >= configuration.watchFrames:
            let verdict = scorer.secondLook(current, frames: frames, classifier: &classifier, context: context)
            carryOut(verdict, on: &current, now: now, onOutput: onOutput)
        default:
            break
        }
    }

    /// A track ended (its tone stopped, or another tone began): a watched or deferred one may now be decided, or wait.
    private mutating func endTrack(at now: Int64, onOutput: (Output) -> Void) {
        guard let ended = track else { return }
        track = nil
        previous = ended
        let decision = pending.trackEnded(ended, at: now, speechRecognised: context.speechRecognised)
        carryOut(decision, now: now, onOutput: onOutput)
    }

    /// Carries out a verdict on `track` at frame `now`.
    private mutating func carryOut(
        _ verdict: TrackScorer.Verdict,
        on track: inout ToneTrack,
        now: Int64,
        onOutput: (Output) -> Void
    ) {
        switch verdict {
        case .reject(let reason, let detail):
            track.state = .rejected
            onOutput(.rejection(rejection(reason, track: track, now: now, detail: detail)))
        case .watch(let quietOnly):
            track.state = .watching
            track.quietOnly = quietOnly
        case .deferToEnd:
            track.state = .deferred
        case .report(let score):
            report(&track, now: now, score: score, onOutput: onOutput)
        }
    }

    /// Carries out a decision about a waiting or ended tone at frame `now`.
    private mutating func carryOut(_ decision: PendingTones.Decision, now: Int64, onOutput: (Output) -> Void) {
        switch decision {
        case .none:
            break
        case .reject(let track, let reason, let detail):
            onOutput(.rejection(rejection(reason, track: track, now: now, detail: detail)))
        case .sitTriplet(let track, let laterHz):
            recent.heardSIT(at: now)
            onOutput(.rejection(rejection(.sit, track: track, now: now, detail: laterHz)))
        case .settle(var track):
            carryOut(scorer.finalLook(track, context: context), on: &track, now: now, onOutput: onOutput)
        case .score(var track):
            let score = scorer.endScore(track, frames: frames, classifier: &classifier, context: context)
            report(&track, now: now, score: score, onOutput: onOutput)
        }
    }

    /// Reports `track` as a beep at frame `now`, unless a beep was reported moments ago (`refractory_ms`).
    private mutating func report(_ track: inout ToneTrack, now: Int64, score: Double, onOutput: (Output) -> Void) {
        if now - lastReportFrame < refractoryFrames {
            track.state = .rejected
            return onOutput(.rejection(rejection(.refractory, track: track, now: now, detail: 0)))
        }
        track.state = .reported
        lastReportFrame = now
        let steps = Self.frequencyStepsPerHz
        let event = BeepEvent(
            onsetMs: onsetMs(of: track),
            detectedMs: clock.milliseconds(frame: now),
            frequencyHz: (track.meanFrequencyHz * steps).rounded() / steps,
            confidence: scorer.confidence(of: track, score: score)
        )
        onOutput(.beep(event))
        carryOut(answer.beep(atMs: event.detectedMs, confidence: event.confidence), onOutput: onOutput)
    }

    /// The beep's start: the first tonal frame's end (of the first tone, for a multi-tone beep), less the part of
    /// the window a tone must fill to show.
    private func onsetMs(of track: ToneTrack) -> Int64 {
        max(0, clock.milliseconds(frame: track.sequenceStart) - Int64(configuration.onsetLagMs))
    }

    private func rejection(
        _ reason: ToneRejection.Reason, track: ToneTrack, now: Int64, detail: Double
    )
        -> ToneRejection
    {
        ToneRejection(
            reason: reason,
            atMs: clock.milliseconds(frame: now),
            onsetMs: onsetMs(of: track),
            frequencyHz: track.meanFrequencyHz,
            detail: detail
        )
    }
}
