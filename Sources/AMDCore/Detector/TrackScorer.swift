#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Judges a tone track: the signal rules (onset, steadiness, beating, signalling tones, cadence, greeting, level),
/// then its ``TrackMeasurements`` through the ``TrackClassifier`` (or the MFCC classifier alone), to a ``Verdict``
/// with the reason for every rejection.
///
/// Holds settings only; what it reads of the call is passed in, and what it decides comes back as values the
/// ``BeepDetector`` applies, so one judgement changes nothing but the track it is given.
struct TrackScorer: Sendable {
    /// What to do with a track that was judged.
    enum Verdict: Sendable, Hashable {
        /// Not a beep, for `reason`; `detail` is the measured value behind it.
        case reject(ToneRejection.Reason, detail: Double)
        /// Beep-like but not clearly: judged again after `watch_frames`, or, if it ends first, by the quiet after it.
        /// With `quietOnly` (music on the line) only the quiet after it counts.
        case watch(quietOnly: Bool)
        /// At a signalling frequency: decided when it ends, by its duration and what follows.
        case deferToEnd
        /// A beep, `score` above the threshold (0 = on it).
        case report(score: Double)
    }

    /// The outcome of a track's first look.
    struct FirstLook: Sendable, Hashable {
        /// What to do with the track.
        var verdict: Verdict
        /// Remember the tone as a network tone, so the next one at its frequency is heard as a cadence.
        var remember = false
        /// The tone is a later segment of a SIT triplet: tones at SIT frequencies soon after are its rest.
        var heardSIT = false
        /// The tone is a DTMF digit: lone tones at DTMF frequencies soon after are more digits of its string.
        var heardDTMF = false
        /// What the track classifier was given, once the tone passed the signal rules: a candidate for fitting it.
        var measurements: TrackMeasurements?
    }

    private let configuration: BeepDetector.Configuration
    private let trackClassifier: TrackClassifier?
    private let minTonalLogOdds: Double
    private let clock: FrameClock
    private let startupFrames: Int64
    private let cadenceMemoryFrames: Int64
    /// Frames over which a glide is measured (`max_slope` and `max_low_band_slope` are per 100 ms).
    private let glideSpanFrames: Double

    /// The span over which a track's frequency glide is stated, in ms.
    static let glideSpanMs = 100
    /// Lowest frequency taken for the logarithm and relative measures, in Hz, so a track at 0 Hz stays finite.
    static let frequencyFloorHz = 1.0
    /// Thousandths in one, for ``TrackMeasurements/spreadPermille``.
    static let permille = 1000.0
    /// Longest gap before a track the classifier distinguishes, in frames (3 s): longer gaps are all "long ago".
    static let maxGapBeforeFrames: Int64 = 300
    /// Bound on the MFCC classifier's log-odds given to the track classifier (either sign).
    static let mfccLogOddsLimit = 100.0
    /// Bound on a track's level over the speech, in dB (either sign).
    static let levelOverSpeechLimitDb = 40.0
    /// Weight of the track's purity in an event's confidence; the classifier's certainty has the rest.
    static let purityWeight = 0.5
    /// Weight of the classifier's certainty (the logistic of the score) in an event's confidence.
    static let certaintyWeight = 0.5

    /// Creates a scorer with `model`'s classifiers and `configuration`'s thresholds.
    init(model: BeepModel, configuration: BeepDetector.Configuration, clock: FrameClock) {
        self.configuration = configuration
        trackClassifier = model.trackClassifier
        minTonalLogOdds = model.minTonalLogOdds
        self.clock = clock
        startupFrames = clock.frames(ms: configuration.startupMs)
        cadenceMemoryFrames = clock.frames(ms: configuration.cadenceMemoryMs)
        glideSpanFrames = Double(clock.frames(ms: Self.glideSpanMs))
    }

    /// First look at a track that has just become long enough (`confirm_frames`): a verdict, whether to remember it
    /// as a network tone, and the measurements it was scored on.
    ///
    /// Sets the track's ``ToneTrack/signalling`` class and, once it passed the steadiness and signalling rules, its
    /// ``ToneTrack/steady`` mark. Reads the long-window spectrum (two close tones) and the MFCC classifier's view of
    /// the track's frames only when the rules before them pass.
    /// - Parameters:
    ///   - track: the track, at frame `now`.
    ///   - frames: the front end, holding the track's frames.
    ///   - classifier: the MFCC classifier.
    ///   - context: what the call carried before the track.
    ///   - recent: the tones judged before it.
    ///   - previous: the track before this one, ended.
    func firstLook(
        _ track: inout ToneTrack,
        now: Int64,
        frames: inout FrameAnalyzer,
        classifier: inout WindowClassifier,
        context: GreetingContext,
        recent: RecentTones,
        previous: ToneTrack
    ) -> FirstLook {
        let frequency = track.meanFrequencyHz
        let second = track.secondFrequencyHz
        track.signalling = SignallingTones.classify(frequencyHz: frequency, secondHz: second)
        func reject(_ reason: ToneRejection.Reason, _ detail: Double, remember: Bool = false) -> FirstLook {
            FirstLook(verdict: .reject(reason, detail: detail), remember: remember)
        }
        let spread = track.frequencySpreadHz
        if track.firstFrame < startupFrames {
            return reject(.onsetUnseen, Double(clock.milliseconds(frame: track.firstFrame)))
        }
        let lowest = second > 0 ? min(frequency, second) : frequency
        let sweep = isCleanLowSweep(track)
        if !sweep, let (reason, detail) = steadinessFault(track) { return reject(reason, detail) }
        if second > 0 && abs(second - frequency) < configuration.minTwoToneSeparationHz {
            return reject(.beating, abs(second - frequency))
        }
        let spanSamples = Int(clock.samples(frames: track.spanFrames))
        if let distance = frames.closeTonePair(aroundHz: frequency, samples: spanSamples),
            distance < configuration.minTwoToneSeparationHz
        {
            return reject(.beating, distance)
        }
        // A steady tone from here on. Network tones are remembered, so the next one at this frequency is seen as a
        // cadence; tones that may be a voice's are not, lest they hide a beep at the same pitch.
        let repeated = recent.contains(
            frequencyHz: frequency,
            since: now - cadenceMemoryFrames,
            speechWindows: context.speechWindows,
            speechBetween: context.confirmingSpeechWindows
        )
        switch track.signalling {
        case .dtmf:
            var look = reject(.dtmf, second, remember: true)
            look.heardDTMF = true
            return look
        case .callProgressPair: return reject(.callProgress, second, remember: true)
        case .sitLater where recent.isInSIT(at: now): return reject(.sit, frequency)
        default: break
        }
        // A tone at a DTMF row or column frequency amid a keyed string is a digit whose partner was lost (another
        // tone beside it, such as a voice's harmonic under the keypad, pairs with no digit).
        if recent.isInDTMFString(at: now), SignallingTones.isDTMFComponent(frequencyHz: frequency) {
            var look = reject(.dtmf, frequency, remember: true)
            look.heardDTMF = true
            return look
        }
        if repeated { return reject(.repeated, frequency, remember: true) }
        // A voicemail beep follows a greeting; tones before anyone spoke are the network's (ringback, SIT, fax).
        if !context.greetingHeard {
            let clear = track.meanPurity >= configuration.clearPurity && spread <= configuration.clearSpread * frequency
            return reject(.noGreeting, Double(context.voicedFrames), remember: clear)
        }
        // After a greeting, a tone near a signalling frequency but off its nominal value (network generators are
        // exact; beeps fall anywhere) is judged like any other. Waiting for it to end would miss beeps followed at
        // once by the caller's message, and cost latency. A tone at the nominal value (busy after a hang-up, call
        // waiting) is still judged on its cadence.
        if context.speechRecognised,
            track.signalling == .callProgressSingle || track.signalling == .faxCalling
                || track.signalling == .answerTone,
            !SignallingTones.isNominal(frequencyHz: frequency, tolerance: configuration.networkToneTolerance)
        {
            track.signalling = .none
        }
        // A tone that takes over within a few frames from a tone that was not steady continues a word or a glide;
        // one that takes over from a steady tone may be a multi-tone beep's next tone, and is judged as such.
        track.steady = true
        if track.takesOver && track.sequenceStart == track.firstFrame {
            return reject(.succession, Double(track.gapBefore))
        }
        if track.takesOver && track.signalling == .sitLater
            && (previous.signalling == .sitFirst || previous.signalling == .sitLater)
        {
            var look = reject(.sit, frequency)
            look.heardSIT = true
            return look
        }
        if let level = faintLevel(of: track, context: context) { return reject(.faint, level) }
        let measured = measurements(of: track, odds: classifier.tonalLogOdds(of: frames), context: context)
        let score = beepScore(measured)
        var look = FirstLook(verdict: .report(score: score), measurements: measured)
        let cap = trackClassifier?.contextCap
        let clean = cap?.isClean(measured) ?? true
        if score < 0, clean, track.signalling == .none, let trackClassifier, cap != nil,
            trackClassifier.cappedLogit(measured) >= trackClassifier.threshold
        {
            // Clean, and turned down for what came before it rather than for what it is: the quiet after it decides.
            look.verdict = .watch(quietOnly: true)
        } else if score < 0 {
            // A network tone the classifier doubted still marks a cadence (ringback heard over babble).
            look.verdict = .reject(.notBeepLike, detail: score)
            look.remember = track.signalling != .none
        } else if context.musicOnLine {
            look.verdict = .watch(quietOnly: true)
        } else if track.signalling == .none
            && (!isClear(track, lowest: lowest, spread: spread, score: score) || sweep
                || (!clean && score < (cap?.uncleanMargin ?? 0)))
        {
            look.verdict = .watch(quietOnly: false)
        } else {
            look.remember = true
            switch track.signalling {
            case .callProgressSingle, .sitFirst, .faxCalling, .answerTone: look.verdict = .deferToEnd
            default: break
            }
        }
        return look
    }

    /// Second look at a watched track that kept going: its statistics now cover `watch_frames` frames.
    func secondLook(
        _ track: ToneTrack,
        frames: FrameAnalyzer,
        classifier: inout WindowClassifier,
        context: GreetingContext
    ) -> Verdict {
        if !isCleanLowSweep(track), let (reason, detail) = steadinessFault(track) {
            return .reject(reason, detail: detail)
        }
        if let level = faintLevel(of: track, context: context) { return .reject(.faint, detail: level) }
        let score = beepScore(measurements(of: track, odds: classifier.tonalLogOdds(of: frames), context: context))
        return score < 0 ? .reject(.notBeepLike, detail: score) : .report(score: score)
    }

    /// Last look at a tone whose wait after it passed: the whole tone, now it has ended, must not be faint (a
    /// note's loud attack may have passed the first look). Reported at the threshold.
    func finalLook(_ track: ToneTrack, context: GreetingContext) -> Verdict {
        if let level = faintLevel(of: track, context: context) { return .reject(.faint, detail: level) }
        return .report(score: 0)
    }

    /// How beep-like a deferred tone is, now it has ended at a duration no signalling tone has: its score, and at
    /// least the threshold.
    func endScore(
        _ track: ToneTrack,
        frames: FrameAnalyzer,
        classifier: inout WindowClassifier,
        context: GreetingContext
    ) -> Double {
        max(beepScore(measurements(of: track, odds: classifier.tonalLogOdds(of: frames), context: context)), 0)
    }

    /// Whether a track that has lasted `spanFrames` is longer than any beep (`max_beep_ms`).
    func isTooLong(_ track: ToneTrack) -> Bool {
        track.spanFrames > clock.frames(ms: configuration.maxBeepMs)
    }

    /// How sure a report of `track` at `score` is, from 0 to 1 in thousandths: its purity and the classifier's
    /// certainty (the logistic of the score), weighed equally.
    func confidence(of track: ToneTrack, score: Double) -> Double {
        let certainty = 1 / (1 + exp(-score))
        return ((Self.purityWeight * min(1, track.meanPurity) + Self.certaintyWeight * certainty) * Self.permille)
            .rounded() / Self.permille
    }

    /// Why a track is not steady enough for a beep, if it is not: its frequency spreads around its trend, glides
    /// faster than a beep's in the band where voices live (or than a sweep above it), or its level wobbles.
    func steadinessFault(_ track: ToneTrack) -> (ToneRejection.Reason, Double)? {
        let frequency = track.meanFrequencyHz
        let spread = track.frequencySpreadHz
        if spread > max(configuration.minFrequencySpreadHz, configuration.maxFrequencySpread * frequency),
            !isSteadyUnderScatter(track)
        {
            return (.unstableFrequency, spread)
        }
        let slope = abs(track.relativeSlopePerFrame) * glideSpanFrames
        let lowest = track.secondFrequencyHz > 0 ? min(frequency, track.secondFrequencyHz) : frequency
        let maxSlope = lowest < configuration.lowBandHz ? configuration.maxLowBandSlope : configuration.maxSlope
        if slope > maxSlope { return (.unstableFrequency, slope) }
        if track.levelWobbleDb > configuration.maxLevelWobbleDb { return (.beating, track.levelWobbleDb) }
        return nil
    }

    /// Whether a track whose frequency scatters more than `max_frequency_spread` from frame to frame is steady once
    /// that scatter is averaged out (`max_smoothed_frequency_spread` over 40 ms averages), and scatters no more than
    /// `max_noisy_frequency_spread`: a steady tone through a low-rate codec or under noise, not a voice.
    func isSteadyUnderScatter(_ track: ToneTrack) -> Bool {
        guard configuration.maxNoisyFrequencySpread > 0 else { return false }
        let frequency = track.meanFrequencyHz
        let noisyLimit = max(configuration.minNoisyFrequencySpreadHz, configuration.maxNoisyFrequencySpread * frequency)
        let smoothedLimit = max(
            configuration.minSmoothedFrequencySpreadHz, configuration.maxSmoothedFrequencySpread * frequency)
        return track.frequencySpreadHz <= noisyLimit && track.smoothedSpreadHz <= smoothedLimit
    }

    /// Whether a track under `low_band_hz` glides faster than a voice's harmonic may (`max_low_band_slope`), yet no
    /// faster than a sweep (`max_slope`) and as cleanly as a generator (the context cap's clean-tone limits, and no
    /// beating): a generated sweep, watched rather than rejected. Never, for a model without a context cap.
    func isCleanLowSweep(_ track: ToneTrack) -> Bool {
        guard let cap = trackClassifier?.contextCap else { return false }
        let frequency = track.meanFrequencyHz
        let lowest = track.secondFrequencyHz > 0 ? min(frequency, track.secondFrequencyHz) : frequency
        let slope = abs(track.relativeSlopePerFrame) * glideSpanFrames
        guard lowest < configuration.lowBandHz, slope > configuration.maxLowBandSlope, slope <= configuration.maxSlope
        else { return false }
        let spreadPermille = track.frequencySpreadHz / max(frequency, Self.frequencyFloorHz) * Self.permille
        return spreadPermille <= cap.maxSpreadPermille && track.jitterPermille <= cap.maxJitterPermille
            && track.meanPurity >= cap.minPurity && track.levelWobbleDb <= configuration.maxLevelWobbleDb
    }

    /// What the track classifier reads of `track`, with `odds` the MFCC classifier's tonal log-odds over it.
    func measurements(of track: ToneTrack, odds: Double, context: GreetingContext) -> TrackMeasurements {
        var m = TrackMeasurements()
        m.logFrequency = log(max(track.meanFrequencyHz, Self.frequencyFloorHz))
        m.purity = track.meanPurity
        m.spreadPermille = track.frequencySpreadHz / max(track.meanFrequencyHz, Self.frequencyFloorHz) * Self.permille
        m.glide = abs(track.relativeSlopePerFrame) * glideSpanFrames
        m.levelWobbleDb = track.levelWobbleDb
        m.voicedBefore = Double(track.voicedBefore)
        m.logGapBefore = log1p(Double(min(track.gapBefore, Self.maxGapBeforeFrames)))
        m.mfccLogOdds = min(Self.mfccLogOddsLimit, max(-Self.mfccLogOddsLimit, odds))
        m.logSpeechWindows = log1p(Double(context.speechWindows))
        m.logVoicedWindows = log1p(context.voicedWindows)
        m.levelOverSpeechDb = levelOverSpeechDb(of: track, context: context)
        m.jitterPermille = track.jitterPermille
        return m
    }

    /// How beep-like a track is, relative to the model's threshold (0 = on it): the track classifier's logit when
    /// the model has one, else the MFCC classifier's tonal log-odds.
    func beepScore(_ m: TrackMeasurements) -> Double {
        guard let trackClassifier else { return m.mfccLogOdds - minTonalLogOdds }
        return trackClassifier.logit(m) - trackClassifier.threshold
    }

    /// A track's band level over the speech level tracked so far, in dB, within ±``levelOverSpeechLimitDb``.
    private func levelOverSpeechDb(of track: ToneTrack, context: GreetingContext) -> Double {
        min(Self.levelOverSpeechLimitDb, max(-Self.levelOverSpeechLimitDb, track.meanLevelDb - context.speechLevelDb))
    }

    /// The track's level over the speech when it is too faint for a beep (`min_level_over_speech_db`: a note of
    /// background music under a voice), else nil.
    private func faintLevel(of track: ToneTrack, context: GreetingContext) -> Double? {
        let level = levelOverSpeechDb(of: track, context: context)
        return level < configuration.minLevelOverSpeechDb ? level : nil
    }

    /// Whether a track is beyond doubt at its first look. The track classifier, which weighs purity, steadiness,
    /// frequency and context together, decides by its clear threshold alone; with the MFCC classifier only, the
    /// track must also lie above the band where a voice's harmonic can dominate, be steady to a fraction of a hertz
    /// per hundred, and pure.
    private func isClear(_ track: ToneTrack, lowest: Double, spread: Double, score: Double) -> Bool {
        if trackClassifier != nil { return score >= clearMargin }
        let slope = abs(track.relativeSlopePerFrame) * glideSpanFrames
        return lowest >= configuration.lowBandHz && slope <= configuration.maxLowBandSlope
            && spread <= configuration.clearSpread * track.meanFrequencyHz
            && track.meanPurity >= configuration.clearPurity
            && score >= clearMargin
    }

    /// How far above the beep threshold a track's score must be for it to be clear at its first look.
    private var clearMargin: Double {
        guard let trackClassifier else { return configuration.clearOddsMargin }
        return trackClassifier.clearThreshold - trackClassifier.threshold
    }
}
