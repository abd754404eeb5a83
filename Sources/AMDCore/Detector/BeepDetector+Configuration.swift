extension BeepDetector {
    /// The detector's settings; a model file carries the ones tuned with it under `detector`.
    ///
    /// Every field has a default, so a model file may give only the ones it changes.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Per-frame tone thresholds.
        public var tone = ToneAnalyzer.Thresholds()
        /// Tonal frames a track needs before it is judged (10 ms each): 90 ms. One frame more than 80 ms gives the
        /// statistics a ninth frequency, which turned down many held harmonics of synthetic voices (cross-source
        /// false alarms 5.1 → 4.0 %, codec copy 2.9 → 2.2 %) for 10 ms of latency; 100 ms gained little more.
        public var confirmFrames = 9
        /// Non-tonal frames a track may skip (a lost packet, a click) and still continue, 10 ms each.
        public var maxGapFrames = 6
        /// Largest spread of a track's frequency around its trend, as a fraction of its frequency.
        public var maxFrequencySpread = 0.0045
        /// Spread always allowed, in Hz, whatever the frequency.
        public var minFrequencySpreadHz = 3.0
        /// Largest spread of a track's frequency around its trend, as a fraction of its frequency, for a tone whose
        /// 80 ms averages stay steady (``maxSmoothedFrequencySpread``): a codec at a low bit rate scatters a steady
        /// tone's frequency from frame to frame by up to about 1 % (Opus 6k, GSM-FR), while a voice's pitch wanders.
        /// 0 turns the allowance off.
        public var maxNoisyFrequencySpread = 0.012
        /// Noisy spread always allowed under that allowance, in Hz, whatever the frequency.
        public var minNoisyFrequencySpreadHz = 8.0
        /// Largest spread of a track's 80 ms frequency averages around their trend, as a fraction of the frequency,
        /// for the noisy-spread allowance: a third of ``maxFrequencySpread``.
        public var maxSmoothedFrequencySpread = 0.0015
        /// Smoothed spread always allowed under that allowance, in Hz.
        public var minSmoothedFrequencySpreadHz = 1.0
        /// Below this frequency (Hz) a voice's harmonic can dominate the band, and glides are held to ``maxLowBandSlope``.
        public var lowBandHz = 700.0
        /// Largest frequency glide below ``lowBandHz``, as a fraction of the frequency per 100 ms.
        public var maxLowBandSlope = 0.025
        /// Largest frequency glide (a short sweep) at or above ``lowBandHz``, as a fraction per 100 ms.
        public var maxSlope = 0.3
        /// A call-progress-frequency tone at least this long (ms) is ringback, not a beep; longer than nearly any beep.
        public var ringbackMinMs = 1600
        /// A tone starting within this many frames of the previous tone's end is a succession (melody), not a beep.
        public var maxSuccessionGapFrames = 3
        /// Tonal frames an unclear track must last before it is judged again (10 ms each): 140 ms, long enough for
        /// the statistics to settle (and for the 80 ms frequency averages that tell a codec's scatter from a voice),
        /// short enough that a short beep is judged on itself rather than left to the quiet after it. Chosen on the
        /// cross-source set over 12–20 and 30 frames (14: recall +0.9 points, early and false alarms −0.2).
        public var watchFrames = 14
        /// Largest frequency spread, as a fraction of the frequency, for a track to be clear at its first look (models
        /// without a track classifier) or remembered as a network tone before any greeting.
        public var clearSpread: Double = 0.0025
        /// Least purity for a track to be clear at its first look (models without a track classifier) or remembered
        /// as a network tone before any greeting.
        public var clearPurity: Double = 0.85
        /// Classifier log-odds above the model's threshold for a track to be clear at its first look (models without
        /// a track classifier, which carries its own clear threshold).
        public var clearOddsMargin: Double = 2.0
        /// How long the line must stay free of speech after a short unclear tone, in ms: longer than the pause
        /// between a voice's words (up to about 250 ms), so a held harmonic with a word after it is not taken for a
        /// beep, yet short against the quiet a mailbox leaves after its beep for the message.
        public var quietAfterMs = 300
        /// Voiced non-tonal frames allowed in that quiet time.
        public var maxVoicedAfter = 4
        /// Sound in that quiet time counts as speech only within this many dB of the tone's level; fainter sound is
        /// the line noise or music bed the tone stood out from.
        public var quietMarginDb = 12.0
        /// Reject a 0.35–0.75 s tone at 1100 Hz as a fax calling tone (CNG), even after a greeting.
        public var rejectFaxCallingTone = true
        /// Largest frame-to-frame level wobble, in dB; two close tones beating wobble more.
        public var maxLevelWobbleDb = 3.5
        /// Two simultaneous tones closer than this beat like call-progress tones (or an amplitude-modulated
        /// ringback), in Hz; wider known call-progress pairs are matched by frequency.
        public var minTwoToneSeparationHz = 60.0
        /// Tones whose onset falls in the stream's first milliseconds were already sounding: not beeps.
        public var startupMs = 150
        /// Longest beep, in ms; a deferred tone that lasts longer is rejected.
        public var maxBeepMs = 2000
        /// Context windows the MFCC classifier calls speech, in ms, after which a tone may count as a beep (or
        /// `voiced_context_ms` of voiced sound).
        public var speechContextMs = 300
        /// Least level of a tone over the speech heard before it, in dB: a beep may be quieter than the greeting, but
        /// not by this much (the tracked speech level follows its loud frames).
        public var minLevelOverSpeechDb = -20.0
        /// Voiced sound outside tones that also counts as a greeting, in ms, for voices the classifier does not call
        /// speech (other languages, wideband voices), unless the line carries more music than speech.
        public var voicedContextMs = 500
        /// Speech the classifier must recognise, in ms, before tones at signalling frequencies are judged like any
        /// other and a cadence heard before is forgotten (the call is past its network tones).
        public var greetingConfirmMs = 2000
        /// After a greeting, a tone this close (relative) to a signalling tone's nominal frequency is still judged by
        /// its cadence; farther off, it is judged like any other tone.
        public var networkToneTolerance = 0.004
        /// After a greeting, how long to wait after a tone at a call-progress frequency for it to repeat, in ms
        /// (busy and call-waiting tones pause 0.2–0.5 s).
        public var cadenceGapMs = 600
        /// How long to wait after a call-progress-frequency tone for it to repeat, in ms.
        public var cadenceHoldMs = 900
        /// How long a judged tone is remembered to recognise a cadence, in ms.
        public var cadenceMemoryMs = 12000
        /// After a report, further tones are not reported for this long, in ms.
        public var refractoryMs = 4000
        /// Time between a tone's onset and the end of its first tonal frame, in ms.
        public var onsetLagMs = 14

        /// Default settings.
        public init() {}

        private enum CodingKeys: String, CodingKey {
            case tone
            case confirmFrames = "confirm_frames"
            case maxGapFrames = "max_gap_frames"
            case maxFrequencySpread = "max_frequency_spread"
            case minFrequencySpreadHz = "min_frequency_spread_hz"
            case maxNoisyFrequencySpread = "max_noisy_frequency_spread"
            case minNoisyFrequencySpreadHz = "min_noisy_frequency_spread_hz"
            case maxSmoothedFrequencySpread = "max_smoothed_frequency_spread"
            case minSmoothedFrequencySpreadHz = "min_smoothed_frequency_spread_hz"
            case maxLevelWobbleDb = "max_level_wobble_db"
            case rejectFaxCallingTone = "reject_fax_calling_tone"
            case maxVoicedAfter = "max_voiced_after"
            case quietAfterMs = "quiet_after_ms"
            case quietMarginDb = "quiet_margin_db"
            case clearOddsMargin = "clear_odds_margin"
            case clearPurity = "clear_purity"
            case clearSpread = "clear_spread"
            case watchFrames = "watch_frames"
            case maxSuccessionGapFrames = "max_succession_gap_frames"
            case ringbackMinMs = "ringback_min_ms"
            case maxSlope = "max_slope"
            case maxLowBandSlope = "max_low_band_slope"
            case lowBandHz = "low_band_hz"
            case minTwoToneSeparationHz = "min_two_tone_separation_hz"
            case startupMs = "startup_ms"
            case maxBeepMs = "max_beep_ms"
            case speechContextMs = "speech_context_ms"
            case voicedContextMs = "voiced_context_ms"
            case minLevelOverSpeechDb = "min_level_over_speech_db"
            case greetingConfirmMs = "greeting_confirm_ms"
            case networkToneTolerance = "network_tone_tolerance"
            case cadenceGapMs = "cadence_gap_ms"
            case cadenceHoldMs = "cadence_hold_ms"
            case cadenceMemoryMs = "cadence_memory_ms"
            case refractoryMs = "refractory_ms"
            case onsetLagMs = "onset_lag_ms"
        }

        /// Decodes the settings from the model file; absent keys keep their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            tone = try c.decodeIfPresent(ToneAnalyzer.Thresholds.self, forKey: .tone) ?? d.tone
            confirmFrames = try c.decodeIfPresent(Int.self, forKey: .confirmFrames) ?? d.confirmFrames
            maxGapFrames = try c.decodeIfPresent(Int.self, forKey: .maxGapFrames) ?? d.maxGapFrames
            maxFrequencySpread = try c.decodeIfPresent(Double.self, forKey: .maxFrequencySpread) ?? d.maxFrequencySpread
            minFrequencySpreadHz =
                try c.decodeIfPresent(Double.self, forKey: .minFrequencySpreadHz) ?? d.minFrequencySpreadHz
            maxNoisyFrequencySpread =
                try c.decodeIfPresent(Double.self, forKey: .maxNoisyFrequencySpread) ?? d.maxNoisyFrequencySpread
            minNoisyFrequencySpreadHz =
                try c.decodeIfPresent(Double.self, forKey: .minNoisyFrequencySpreadHz) ?? d.minNoisyFrequencySpreadHz
            maxSmoothedFrequencySpread =
                try c.decodeIfPresent(Double.self, forKey: .maxSmoothedFrequencySpread) ?? d.maxSmoothedFrequencySpread
            minSmoothedFrequencySpreadHz =
                try c.decodeIfPresent(Double.self, forKey: .minSmoothedFrequencySpreadHz)
                ?? d.minSmoothedFrequencySpreadHz
            lowBandHz = try c.decodeIfPresent(Double.self, forKey: .lowBandHz) ?? d.lowBandHz
            maxLowBandSlope = try c.decodeIfPresent(Double.self, forKey: .maxLowBandSlope) ?? d.maxLowBandSlope
            maxSlope = try c.decodeIfPresent(Double.self, forKey: .maxSlope) ?? d.maxSlope
            ringbackMinMs = try c.decodeIfPresent(Int.self, forKey: .ringbackMinMs) ?? d.ringbackMinMs
            maxSuccessionGapFrames =
                try c.decodeIfPresent(Int.self, forKey: .maxSuccessionGapFrames) ?? d.maxSuccessionGapFrames
            watchFrames = try c.decodeIfPresent(Int.self, forKey: .watchFrames) ?? d.watchFrames
            clearSpread = try c.decodeIfPresent(Double.self, forKey: .clearSpread) ?? d.clearSpread
            clearPurity = try c.decodeIfPresent(Double.self, forKey: .clearPurity) ?? d.clearPurity
            clearOddsMargin = try c.decodeIfPresent(Double.self, forKey: .clearOddsMargin) ?? d.clearOddsMargin
            quietAfterMs = try c.decodeIfPresent(Int.self, forKey: .quietAfterMs) ?? d.quietAfterMs
            maxVoicedAfter = try c.decodeIfPresent(Int.self, forKey: .maxVoicedAfter) ?? d.maxVoicedAfter
            quietMarginDb = try c.decodeIfPresent(Double.self, forKey: .quietMarginDb) ?? d.quietMarginDb
            rejectFaxCallingTone =
                try c.decodeIfPresent(Bool.self, forKey: .rejectFaxCallingTone) ?? d.rejectFaxCallingTone
            maxLevelWobbleDb = try c.decodeIfPresent(Double.self, forKey: .maxLevelWobbleDb) ?? d.maxLevelWobbleDb
            minTwoToneSeparationHz =
                try c.decodeIfPresent(Double.self, forKey: .minTwoToneSeparationHz) ?? d.minTwoToneSeparationHz
            startupMs = try c.decodeIfPresent(Int.self, forKey: .startupMs) ?? d.startupMs
            maxBeepMs = try c.decodeIfPresent(Int.self, forKey: .maxBeepMs) ?? d.maxBeepMs
            speechContextMs = try c.decodeIfPresent(Int.self, forKey: .speechContextMs) ?? d.speechContextMs
            voicedContextMs = try c.decodeIfPresent(Int.self, forKey: .voicedContextMs) ?? d.voicedContextMs
            minLevelOverSpeechDb =
                try c.decodeIfPresent(Double.self, forKey: .minLevelOverSpeechDb) ?? d.minLevelOverSpeechDb
            greetingConfirmMs = try c.decodeIfPresent(Int.self, forKey: .greetingConfirmMs) ?? d.greetingConfirmMs
            cadenceHoldMs = try c.decodeIfPresent(Int.self, forKey: .cadenceHoldMs) ?? d.cadenceHoldMs
            networkToneTolerance =
                try c.decodeIfPresent(Double.self, forKey: .networkToneTolerance) ?? d.networkToneTolerance
            cadenceGapMs = try c.decodeIfPresent(Int.self, forKey: .cadenceGapMs) ?? d.cadenceGapMs
            cadenceMemoryMs = try c.decodeIfPresent(Int.self, forKey: .cadenceMemoryMs) ?? d.cadenceMemoryMs
            refractoryMs = try c.decodeIfPresent(Int.self, forKey: .refractoryMs) ?? d.refractoryMs
            onsetLagMs = try c.decodeIfPresent(Int.self, forKey: .onsetLagMs) ?? d.onsetLagMs
        }

        /// Checks every field; the error names the first one out of range (`detector.confirm_frames`, …).
        public func validate() throws(ModelError) {
            func check(_ ok: Bool, _ key: CodingKeys, _ range: String) throws(ModelError) {
                if !ok { throw .invalidField(field: "detector.\(key.rawValue)", reason: "must be \(range)") }
            }
            try check((2...100).contains(confirmFrames), .confirmFrames, "in 2...100")
            try check((0...50).contains(maxGapFrames), .maxGapFrames, "in 0...50")
            try check(maxFrequencySpread > 0 && maxFrequencySpread < 1, .maxFrequencySpread, "in (0, 1)")
            try check(minFrequencySpreadHz >= 0 && minFrequencySpreadHz < 500, .minFrequencySpreadHz, "in [0, 500)")
            try check(
                maxNoisyFrequencySpread >= 0 && maxNoisyFrequencySpread < 1, .maxNoisyFrequencySpread, "in [0, 1)")
            try check(
                minNoisyFrequencySpreadHz >= 0 && minNoisyFrequencySpreadHz < 500, .minNoisyFrequencySpreadHz,
                "in [0, 500)")
            try check(
                maxSmoothedFrequencySpread >= 0 && maxSmoothedFrequencySpread < 1, .maxSmoothedFrequencySpread,
                "in [0, 1)")
            try check(
                minSmoothedFrequencySpreadHz >= 0 && minSmoothedFrequencySpreadHz < 500, .minSmoothedFrequencySpreadHz,
                "in [0, 500)")
            try check(maxLevelWobbleDb > 0 && maxLevelWobbleDb < 60, .maxLevelWobbleDb, "in (0, 60)")
            try check((0...2000).contains(minTwoToneSeparationHz), .minTwoToneSeparationHz, "in 0...2000")
            try check((0...10_000).contains(startupMs), .startupMs, "in 0...10000")
            try check((100...60_000).contains(maxBeepMs), .maxBeepMs, "in 100...60000")
            try check((0...60_000).contains(speechContextMs), .speechContextMs, "in 0...60000")
            try check((0...60_000).contains(voicedContextMs), .voicedContextMs, "in 0...60000")
            try check((-100...100).contains(minLevelOverSpeechDb), .minLevelOverSpeechDb, "in -100...100")
            try check((0...60_000).contains(greetingConfirmMs), .greetingConfirmMs, "in 0...60000")
            try check(networkToneTolerance >= 0 && networkToneTolerance < 0.1, .networkToneTolerance, "in [0, 0.1)")
            try check((0...10_000).contains(cadenceGapMs), .cadenceGapMs, "in 0...10000")
            try check((0...10_000).contains(cadenceHoldMs), .cadenceHoldMs, "in 0...10000")
            try check((0...600_000).contains(cadenceMemoryMs), .cadenceMemoryMs, "in 0...600000")
            try check((0...600_000).contains(refractoryMs), .refractoryMs, "in 0...600000")
            try check((0...1000).contains(onsetLagMs), .onsetLagMs, "in 0...1000")
            try check((0...50).contains(maxSuccessionGapFrames), .maxSuccessionGapFrames, "in 0...50")
            try check((9...200).contains(watchFrames), .watchFrames, "in 9...200")
            try check(clearSpread > 0 && clearSpread < 1, .clearSpread, "in (0, 1)")
            try check(clearPurity >= 0 && clearPurity <= 1, .clearPurity, "in 0...1")
            try check(clearOddsMargin.isFinite, .clearOddsMargin, "finite")
            try check((0...2000).contains(quietAfterMs), .quietAfterMs, "in 0...2000")
            try check((0...200).contains(maxVoicedAfter), .maxVoicedAfter, "in 0...200")
            try check(quietMarginDb >= 0 && quietMarginDb <= 200, .quietMarginDb, "in 0...200")
            try check(lowBandHz >= 0 && lowBandHz <= 4000, .lowBandHz, "in 0...4000")
            try check(maxLowBandSlope > 0 && maxLowBandSlope <= 1, .maxLowBandSlope, "in (0, 1]")
            try check(maxSlope > 0 && maxSlope <= 1, .maxSlope, "in (0, 1]")
            try check((100...10_000).contains(ringbackMinMs), .ringbackMinMs, "in 100...10000")
            try check(tone.minPurity >= 0 && tone.minPurity <= 1, .tone, "with min_purity in 0...1")
            try check(tone.minFrequencyHz < tone.maxFrequencyHz, .tone, "with min_frequency_hz < max_frequency_hz")
        }
    }
}
