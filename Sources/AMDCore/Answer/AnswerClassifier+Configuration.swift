extension AnswerClassifier {
    /// The answer rules' thresholds, all in milliseconds of stream time.
    public struct Configuration: Sendable, Hashable {
        /// A fax tone held this long (gaps under ``faxGapMs`` bridged) decides `fax`.
        public var faxToneMs: Int
        /// Gaps in a fax tone up to this long are bridged (frames the tone analysis missed).
        public var faxGapMs: Int
        /// Voiced sound this long in one segment confirms speech: its first frame is the speech onset.
        public var minSpeechMs: Int
        /// Voiced frames count as speech only this far above the line's noise floor, in dB: the VAD alone takes
        /// loud steady noise (and babble) for voice.
        public var speechMarginDb: Double
        /// The noise floor is the mean level of the first frames over this long (frames the analysis skipped as
        /// silent count as ``skippedFrameLevelDb``), then follows the level down quickly and up slowly.
        public var floorWarmUpMs: Int
        /// Share of the distance to a quieter frame's level the noise floor moves by, per frame.
        public var floorFall: Double
        /// How far the noise floor may rise towards a louder frame, in dB per frame.
        public var floorRiseDb: Double
        /// Frames more than this far under the speech level (an envelope of the speech frames' levels) are not
        /// speech, in dB: a television, a radio or a babble of voices behind the person who answered.
        public var speechPeakMarginDb: Double
        /// Share of the distance to a louder speech frame's level the speech level moves by, per frame.
        public var speechPeakRise: Double
        /// Share of the distance to a quieter speech frame's level the speech level moves by, per frame.
        public var speechPeakFall: Double
        /// Once an utterance has lasted this long, a pause must last ``longPauseMs`` (not ``endSilenceMs``) to end
        /// it: greetings pause between sentences, and a person who said a whole sentence pauses longer.
        public var longUtteranceMs: Int
        /// The pause that ends an utterance longer than ``longUtteranceMs``.
        public var longPauseMs: Int
        /// Speech lasting this long since its onset, with no pause of ``endSilenceMs``, decides `machine` once it
        /// has held ``slowSpeechSyllableRate`` syllables a second.
        public var longGreetingMs: Int
        /// Speech lasting this long since its onset, with no pause of ``endSilenceMs``, decides `machine` whatever its
        /// syllable rate.
        public var slowGreetingMs: Int
        /// Syllables per second since the speech onset under which speech lasting ``longGreetingMs`` is not yet a
        /// machine: a person who talks on, pausing, or over a television that fills the pauses, holds fewer
        /// syllables in the time than a greeting read on.
        public var slowSpeechSyllableRate: Double
        /// A pause this long ends an utterance: after a short one it decides `human`; shorter pauses are bridged.
        public var endSilenceMs: Int
        /// Speech still going on this long after its onset is judged by its syllable rate (``machineSyllableRate``).
        public var rateCheckMs: Int
        /// Syllables per second since the speech onset from which speech still going on at ``rateCheckMs`` decides
        /// `machine`: a recorded greeting is read on without waiting, a person who said a sentence stops for a reply,
        /// so fewer syllables fall in the same time.
        public var machineSyllableRate: Double
        /// How far a syllable's peak must rise over the lowest level of the 150 ms before it, in dB.
        public var syllableRiseDb: Double
        /// With no speech and no fax tone this long into the stream, the decision is `unknown` (`timeout`).
        public var answerTimeoutMs: Int
        /// After a machine's greeting, this much silence without a beep ends it with `silence`.
        public var noBeepTimeoutMs: Int
        /// After a machine's greeting, a network tone (busy, reorder, SIT) this long ends it with `other`.
        public var otherToneMs: Int

        /// The level a frame the analysis skipped (the VAD found it silent) stands for while the noise floor warms
        /// up, in dB: a quiet line.
        public static let skippedFrameLevelDb = -70.0

        /// The default no-beep timeout, in ms: what Twilio and Vonage wait after a greeting before giving up on a
        /// beep.
        public static let defaultNoBeepTimeoutMs = 5000

        /// The thresholds chosen on the cross-source validation corpus (tools/answer/README.md), where people
        /// answer with a whole sentence as often as with a word and with a television, music or a street behind
        /// them: a machine is called after 6 s of speech with no pause of 1.3 s if it held 2.75 syllables a second
        /// (8 s if fewer), or after 4 s if it held 3.5, since hanging up on a person is the worst error; the floor
        /// rises 10 dB/s so that the noise behind a person does not fill their pauses.
        public static let `default` = Configuration(
            faxToneMs: 400,
            faxGapMs: 60,
            minSpeechMs: 100,
            speechMarginDb: 12,
            floorWarmUpMs: 200,
            floorFall: 0.1,
            floorRiseDb: 0.1,
            speechPeakMarginDb: 12,
            speechPeakRise: 0.3,
            speechPeakFall: 0.001,
            longUtteranceMs: 1300,
            longPauseMs: 1300,
            longGreetingMs: 6000,
            slowGreetingMs: 8000,
            slowSpeechSyllableRate: 2.75,
            endSilenceMs: 700,
            rateCheckMs: 4000,
            machineSyllableRate: 3.5,
            syllableRiseDb: 6,
            answerTimeoutMs: 30_000,
            noBeepTimeoutMs: defaultNoBeepTimeoutMs,
            otherToneMs: 1000
        )

        /// Creates thresholds from their values in ms.
        public init(
            faxToneMs: Int,
            faxGapMs: Int,
            minSpeechMs: Int,
            speechMarginDb: Double,
            floorWarmUpMs: Int,
            floorFall: Double,
            floorRiseDb: Double,
            speechPeakMarginDb: Double,
            speechPeakRise: Double,
            speechPeakFall: Double,
            longUtteranceMs: Int,
            longPauseMs: Int,
            longGreetingMs: Int,
            slowGreetingMs: Int,
            slowSpeechSyllableRate: Double,
            endSilenceMs: Int,
            rateCheckMs: Int,
            machineSyllableRate: Double,
            syllableRiseDb: Double,
            answerTimeoutMs: Int,
            noBeepTimeoutMs: Int,
            otherToneMs: Int
        ) {
            self.faxToneMs = faxToneMs
            self.faxGapMs = faxGapMs
            self.minSpeechMs = minSpeechMs
            self.speechMarginDb = speechMarginDb
            self.floorWarmUpMs = floorWarmUpMs
            self.floorFall = floorFall
            self.floorRiseDb = floorRiseDb
            self.speechPeakMarginDb = speechPeakMarginDb
            self.speechPeakRise = speechPeakRise
            self.speechPeakFall = speechPeakFall
            self.longUtteranceMs = longUtteranceMs
            self.longPauseMs = longPauseMs
            self.longGreetingMs = longGreetingMs
            self.slowGreetingMs = slowGreetingMs
            self.slowSpeechSyllableRate = slowSpeechSyllableRate
            self.endSilenceMs = endSilenceMs
            self.rateCheckMs = rateCheckMs
            self.machineSyllableRate = machineSyllableRate
            self.syllableRiseDb = syllableRiseDb
            self.answerTimeoutMs = answerTimeoutMs
            self.noBeepTimeoutMs = noBeepTimeoutMs
            self.otherToneMs = otherToneMs
        }

        /// Checks every threshold is positive and the no-beep timeout lies within ``noBeepTimeoutRangeMs``.
        /// - Throws: ``ModelError/invalidField(field:reason:)`` naming the first bad threshold.
        public func validate() throws(ModelError) {
            let positive: [(String, Int)] = [
                ("fax_tone_ms", faxToneMs), ("fax_gap_ms", faxGapMs), ("min_speech_ms", minSpeechMs),
                ("floor_warm_up_ms", floorWarmUpMs), ("long_utterance_ms", longUtteranceMs),
                ("long_pause_ms", longPauseMs),
                ("long_greeting_ms", longGreetingMs), ("end_silence_ms", endSilenceMs),
                ("slow_greeting_ms", slowGreetingMs), ("rate_check_ms", rateCheckMs),
                ("answer_timeout_ms", answerTimeoutMs), ("other_tone_ms", otherToneMs),
            ]
            for (field, value) in positive where value <= 0 {
                throw .invalidField(field: "answer.\(field)", reason: "must be positive, not \(value)")
            }
            let shares: [(String, Double)] = [
                ("speech_margin_db", speechMarginDb), ("floor_fall", floorFall), ("floor_rise_db", floorRiseDb),
                ("speech_peak_margin_db", speechPeakMarginDb), ("speech_peak_rise", speechPeakRise),
                ("speech_peak_fall", speechPeakFall), ("machine_syllable_rate", machineSyllableRate),
                ("slow_speech_syllable_rate", slowSpeechSyllableRate),
                ("syllable_rise_db", syllableRiseDb),
            ]
            for (field, value) in shares where !(value > 0 && value.isFinite) {
                throw .invalidField(field: "answer.\(field)", reason: "must be positive, not \(value)")
            }
            for (field, value) in [
                ("floor_fall", floorFall), ("speech_peak_rise", speechPeakRise),
                ("speech_peak_fall", speechPeakFall),
            ] where value > 1 {
                throw .invalidField(field: "answer.\(field)", reason: "must be at most 1, not \(value)")
            }
            guard Self.noBeepTimeoutRangeMs.contains(noBeepTimeoutMs) else {
                throw .invalidField(
                    field: "answer.no_beep_timeout_ms",
                    reason:
                        "must be \(Self.noBeepTimeoutRangeMs.lowerBound)...\(Self.noBeepTimeoutRangeMs.upperBound) ms, "
                        + "not \(noBeepTimeoutMs)"
                )
            }
        }

        /// The no-beep timeouts accepted, in ms: 0.5 s (shorter cuts into pauses within a greeting) to 60 s.
        public static let noBeepTimeoutRangeMs = 500...60_000
    }
}
