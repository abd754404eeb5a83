/// Decides who answered a call (human, machine, fax or unknown) and, for a machine, how its greeting ended, from
/// what the detector already measures in each 10 ms frame.
///
/// The rules, in stream time:
/// - speech is voiced sound `speech_margin_db` above the line's noise floor (tracked here from the band level);
///   network tones (ringback, busy, SIT, DTMF) are not speech: the clock starts at the first segment of at least
///   `min_speech_ms` of speech, the speech onset;
/// - a fax tone held `fax_tone_ms` decides `fax`, whenever it comes;
/// - speech going on for `long_greeting_ms` from the onset, pauses under `end_silence_ms` bridged, decides
///   `machine` (`long_greeting`): people answer with a word or two and wait; unless it held fewer than
///   `slow_speech_syllable_rate` syllables a second, when it must go on for `slow_greeting_ms`;
/// - speech still going on `rate_check_ms` after the onset decides `machine` (`long_greeting`) sooner when it has
///   held `machine_syllable_rate` syllables a second since the onset: a greeting is read on without a stop, while a
///   person who said a sentence stops for the caller;
/// - a shorter utterance followed by `end_silence_ms` of silence decides `human` (`short_greeting_then_silence`);
///   once the utterance has lasted `long_utterance_ms`, the pause must last `long_pause_ms` instead, since
///   greetings pause between sentences;
/// - a beep before any decision decides `machine` (`beep`); nothing by `answer_timeout_ms` decides `unknown`.
///
/// After a `machine` decision it watches for the greeting's end: a beep (`beep`), `no_beep_timeout_ms` of silence
/// (`silence`), a network tone or the stream's end (`other`). The decision is made once and never revised.
///
/// A value of a few integers: each frame costs a handful of comparisons and allocates nothing.
public struct AnswerClassifier: Sendable {
    /// What the caller should report after a frame, a beep or the stream's end.
    public struct Actions: Sendable, Hashable {
        /// The answer decision, when it was made just now.
        public var decision: AnswerDecision?
        /// The machine's end, when it was established just now.
        public var machineEnd: MachineEnd?

        /// Nothing to report.
        public static let none = Actions()

        /// Creates actions from their parts.
        public init(decision: AnswerDecision? = nil, machineEnd: MachineEnd? = nil) {
            self.decision = decision
            self.machineEnd = machineEnd
        }
    }

    /// The thresholds in force.
    public private(set) var configuration: Configuration
    /// The decision, once made.
    public private(set) var decision: AnswerDecision?
    /// The machine's end, once established.
    public private(set) var machineEnd: MachineEnd?
    /// The speech onset, in stream ms, once speech has been confirmed.
    public private(set) var speechOnsetMs: Int64?

    private let frameMs: Int64
    /// The line's noise floor, in dB (band level); meaningful once ``floorFrames`` reaches ``warmUpFrames``.
    private var floorDb = 0.0
    /// Frames so far, counted up to ``warmUpFrames``.
    private var floorFrames = 0
    /// The speech level, in dB: an envelope of the levels of frames over the noise floor, quick to rise, slow to fall.
    private var speechPeakDb = Self.initialSpeechPeakDb
    private let warmUpFrames: Int
    /// Start of the current speech segment (pauses shorter than the one that ends an utterance bridged), in stream
    /// ms.
    private var segmentStartMs: Int64 = Self.never
    /// Voiced time in the current segment, in ms.
    private var segmentVoicedMs: Int64 = 0
    /// End of the last voiced frame, in stream ms.
    private var lastVoiceMs: Int64 = Self.never
    /// End of the last frame that was not quiet (voice or tone), in stream ms.
    private var lastSoundMs: Int64 = Self.never
    /// Start of the current fax tone and its last frame, in stream ms.
    private var faxStartMs: Int64 = Self.never
    private var lastFaxMs: Int64 = Self.never
    /// Start of the current network tone after the decision and its last frame, in stream ms.
    private var toneStartMs: Int64 = Self.never
    private var lastToneMs: Int64 = Self.never
    /// Finds the syllables of the speech, while undecided.
    private var syllables: SyllableCounter
    /// Syllable peaks since the speech onset.
    private var syllableCount = 0

    /// A time long before any stream (−10⁹ ms), so that nothing counts as recent.
    static let never: Int64 = -1_000_000_000
    /// Confidence of a fax decision: the tones are unmistakable once held.
    static let faxConfidence = 0.99
    /// Confidence of a long-greeting decision: a person may, rarely, say a long sentence at once.
    static let longGreetingConfidence = 0.9
    /// Confidence of a machine decision from the syllable rate: a person reading a sentence out may be as quick.
    static let fastSpeechConfidence = 0.8
    /// Milliseconds in a second, to turn a count over stream ms into a rate per second.
    static let msPerSecond = 1000.0
    /// Confidence of a human decision for an utterance of nearly `long_greeting_ms`; shorter ones rise towards
    /// ``maximumConfidence``.
    static let humanBaseConfidence = 0.6
    /// The speech level before any speech, in dB: under any line's noise.
    static let initialSpeechPeakDb = -100.0
    /// The highest confidence given to a rule-based decision.
    static let maximumConfidence = 0.99

    /// Creates a classifier for frames `frameMs` milliseconds apart.
    /// - Throws: ``ModelError`` when a threshold is invalid.
    public init(configuration: Configuration = .default, frameMs: Int) throws(ModelError) {
        try configuration.validate()
        guard frameMs > 0 else { throw .invalidField(field: "answer.frame_ms", reason: "must be positive") }
        self.configuration = configuration
        self.frameMs = Int64(frameMs)
        warmUpFrames = max(1, configuration.floorWarmUpMs / frameMs)
        syllables = SyllableCounter(frameMs: frameMs, riseDb: configuration.syllableRiseDb)
    }

    /// Takes in the frame ending at `atMs` (stream ms); returns what to report.
    public mutating func observe(_ frame: AnswerFrame, atMs now: Int64) -> Actions {
        let aboveFloor = isAboveFloor(frame.levelDb, tone: frame.sound == .signalling || frame.sound == .faxTone)
        let speech = frame.sound == .voice && aboveFloor
        switch frame.sound {
        case .quiet, .voice:
            guard speech else { break }
            lastSoundMs = now
            if now - lastVoiceMs > pauseMs {
                segmentStartMs = now - frameMs
                segmentVoicedMs = 0
            }
            segmentVoicedMs += frameMs
            lastVoiceMs = now
            if speechOnsetMs == nil && segmentVoicedMs >= Int64(configuration.minSpeechMs) {
                speechOnsetMs = segmentStartMs
            }
        case .signalling:
            lastSoundMs = now
            if now - lastToneMs > Int64(configuration.faxGapMs) + frameMs { toneStartMs = now - frameMs }
            lastToneMs = now
        case .faxTone:
            lastSoundMs = now
            if now - lastFaxMs > Int64(configuration.faxGapMs) + frameMs { faxStartMs = now - frameMs }
            lastFaxMs = now
        }
        if let decision {
            guard decision.answeredBy == .machine, machineEnd == nil else { return .none }
            return Actions(machineEnd: greetingEnd(frame, speech: speech, now: now))
        }
        let peak = syllables.observe(levelDb: frame.levelDb ?? Configuration.skippedFrameLevelDb, speech: speech)
        if peak, let onset = speechOnsetMs, now - Int64(syllables.delayFrames) * frameMs > onset {
            syllableCount += 1
        }
        return Actions(decision: decide(frame, speech: speech, now: now))
    }

    /// Sets this call's no-beep timeout, in ms: how long a machine's greeting must be followed by silence to end with
    /// `silence`.
    /// - Throws: ``ModelError/invalidField(field:reason:)`` outside ``Configuration/noBeepTimeoutRangeMs``.
    public mutating func setNoBeepTimeout(ms: Int) throws(ModelError) {
        var changed = configuration
        changed.noBeepTimeoutMs = ms
        try changed.validate()
        configuration = changed
    }

    /// Takes in a beep reported at `atMs` (stream ms) with `confidence`: before any decision it decides `machine`,
    /// and on a machine it ends the greeting.
    public mutating func beep(atMs now: Int64, confidence: Double) -> Actions {
        var actions = Actions.none
        if decision == nil {
            actions.decision = settle(.machine, cause: .beep, confidence: confidence, now: now)
        }
        if decision?.answeredBy == .machine && machineEnd == nil {
            actions.machineEnd = end(.beep, now: now)
        }
        return actions
    }

    /// Takes in the stream's end at `atMs` (stream ms): an undecided call is `unknown`, a machine whose greeting
    /// had not ended ends with `other`.
    public mutating func finish(atMs now: Int64) -> Actions {
        var actions = Actions.none
        if decision == nil {
            actions.decision = settle(.unknown, cause: .streamEnded, confidence: 0, now: now)
        }
        if decision?.answeredBy == .machine && machineEnd == nil {
            actions.machineEnd = end(.other, now: now)
        }
        return actions
    }

    /// The pause that ends the current utterance, in ms: longer once the utterance is long.
    private var pauseMs: Int64 {
        guard let onset = speechOnsetMs, lastVoiceMs - onset >= Int64(configuration.longUtteranceMs) else {
            return Int64(configuration.endSilenceMs)
        }
        return Int64(configuration.longPauseMs)
    }

    /// Moves the noise floor and the speech level with a frame's level and tells whether the frame could be speech:
    /// `speech_margin_db` over the floor and no more than `speech_peak_margin_db` under the speech level. The floor
    /// is the mean of the first frames, then falls quickly and rises slowly, so it sits under speech and follows the
    /// line's noise; the speech level keeps a television or babble behind the speaker from counting as speech. A
    /// network or fax `tone` does not move the speech level: ringback is often louder than the voice that answers.
    private mutating func isAboveFloor(_ levelDb: Double?, tone: Bool) -> Bool {
        if floorFrames < warmUpFrames {
            floorFrames += 1
            let level = levelDb ?? Configuration.skippedFrameLevelDb
            floorDb += (level - floorDb) / Double(floorFrames)
            return false
        }
        guard let levelDb else { return false }
        let overFloor = levelDb >= floorDb + configuration.speechMarginDb
        let above = overFloor && levelDb >= speechPeakDb - configuration.speechPeakMarginDb
        if overFloor && !tone {
            let step = levelDb > speechPeakDb ? configuration.speechPeakRise : configuration.speechPeakFall
            speechPeakDb += (levelDb - speechPeakDb) * step
        }
        if levelDb < floorDb {
            floorDb += (levelDb - floorDb) * configuration.floorFall
        } else {
            floorDb += min(configuration.floorRiseDb, levelDb - floorDb)
        }
        return above
    }

    /// The decision the frame ending at `now` leads to, if any.
    private mutating func decide(_ frame: AnswerFrame, speech: Bool, now: Int64) -> AnswerDecision? {
        if frame.sound == .faxTone && now - faxStartMs >= Int64(configuration.faxToneMs) {
            return settle(.fax, cause: .faxTone, confidence: Self.faxConfidence, now: now)
        }
        guard let onset = speechOnsetMs else {
            guard now >= Int64(configuration.answerTimeoutMs) else { return nil }
            return settle(.unknown, cause: .timeout, confidence: 0, now: now)
        }
        let spokenMs = lastVoiceMs - onset
        let elapsedMs = now - onset
        let syllableRate = elapsedMs > 0 ? Double(syllableCount) * Self.msPerSecond / Double(elapsedMs) : 0
        if speech && spokenMs >= Int64(configuration.longGreetingMs)
            && (syllableRate >= configuration.slowSpeechSyllableRate || spokenMs >= Int64(configuration.slowGreetingMs))
        {
            return settle(.machine, cause: .longGreeting, confidence: Self.longGreetingConfidence, now: now)
        }
        if speech && elapsedMs >= Int64(configuration.rateCheckMs) && syllableRate >= configuration.machineSyllableRate
        {
            return settle(.machine, cause: .longGreeting, confidence: Self.fastSpeechConfidence, now: now)
        }
        guard now - lastVoiceMs >= pauseMs else { return nil }
        // How far the utterance fell short of a greeting: the shorter, the surer.
        let shortfall = 1 - Double(spokenMs) / Double(configuration.longGreetingMs)
        let confidence = Self.humanBaseConfidence + (Self.maximumConfidence - Self.humanBaseConfidence) * shortfall
        return settle(.human, cause: .shortGreetingThenSilence, confidence: confidence, now: now)
    }

    /// How the machine's greeting ended at `now`, if it did.
    private mutating func greetingEnd(_ frame: AnswerFrame, speech: Bool, now: Int64) -> MachineEnd? {
        if frame.sound == .signalling && now - toneStartMs >= Int64(configuration.otherToneMs) {
            return end(.other, now: now)
        }
        guard !speech, frame.sound != .signalling, frame.sound != .faxTone,
            now - lastSoundMs >= Int64(configuration.noBeepTimeoutMs)
        else { return nil }
        return end(.silence, now: now)
    }

    private mutating func settle(
        _ by: AnsweredBy, cause: AnswerCause, confidence: Double, now: Int64
    )
        -> AnswerDecision
    {
        let made = AnswerDecision(
            answeredBy: by,
            decidedMs: now,
            confidence: min(confidence, Self.maximumConfidence),
            cause: cause,
            speechOnsetMs: speechOnsetMs
        )
        decision = made
        return made
    }

    private mutating func end(_ outcome: MachineEnd.Outcome, now: Int64) -> MachineEnd {
        let made = MachineEnd(outcome: outcome, ms: now)
        machineEnd = made
        return made
    }
}
