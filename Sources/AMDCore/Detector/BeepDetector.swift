#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
public struct BeepDetector: Sendable {
    /// The model in force.
    public let model: BeepModel
    /// Settings in force (the model's, unless overridden).
    public let configuration: Configuration
    /// Samples consumed so far, at 16 kHz.
    public private(set) var sampleCount: Int64 = 0

    private var frames: FrameAnalyzer
    private var track: ToneTrack?
    private var recent: RecentTones
    private var features: [Double]
    private var posterior: [Double]
    private var tonalClassMask: [Bool]
    private var speechFrames = 0
    /// One bit per frame, newest lowest: set when the frame was voiced and not tonal (speech, music, noise bursts).
    private var voicedHistory: UInt64 = 0
    /// Context windows (of `context_frames` frames, outside tones) the classifier called speech, and music.
    private var speechWindows = 0
    private var musicWindows = 0
    /// Envelope of the band level of voiced frames outside tones, in dB: quick to rise, slow to fall, so it sits near
    /// the loud frames of the speech (or, with no speech yet, the loudest background).
    private var speechLevelDb = -60.0
    private let speechClass: Int?
    private let musicClass: Int?
    /// The track before the current one, ended.
    private var previous = ToneTrack(frame: -1_000_000, tone: ToneFrame())
    private var sitUntilFrame: Int64 = -1
    private var lastReportFrame: Int64 = -1_000_000
    private let hop: Int64
    private let sampleRate: Int64

    /// Creates a detector with `model` (the shipped default unless given) and, optionally, other settings.
    /// - Throws: ``ModelError`` when the model is invalid.
    public init(model: BeepModel, configuration: Configuration? = nil) throws(ModelError) {
        try model.validate()
        self.model = model
        let configuration = configuration ?? model.detector
        try configuration.validate()
        self.configuration = configuration
        frames = try FrameAnalyzer(specification: model.features, thresholds: configuration.tone)
        recent = RecentTones()
        features = [Double](repeating: 0, count: model.features.dimension)
        posterior = [Double](repeating: 0, count: model.classifier.classes.count)
        tonalClassMask = model.classifier.classes.map { model.tonalClasses.contains($0) }
        speechClass = model.classifier.classes.firstIndex(of: "speech")
        musicClass = model.classifier.classes.firstIndex(of: "music")
        hop = Int64(model.features.mfcc.hopLength)
        sampleRate = Int64(model.features.mfcc.sampleRate)
    }

    /// Feeds samples at the model's rate (16 kHz); calls `onEvent` for each beep, `onRejection` for each
    /// beep-like tone it rejects (for debug logs), and `onCandidate` with the measurements of each steady tone it
    /// judges (for fitting the track classifier).
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void = { _ in },
        onCandidate: (TrackCandidate) -> Void = { _ in }
    ) {
        var index = 0
        while index < samples.count {
            let (next, completed) = frames.push(samples, from: index)
            index = next
            if completed { handleFrame(onEvent: onEvent, onRejection: onRejection, onCandidate: onCandidate) }
        }
        sampleCount += Int64(samples.count)
    }

    /// Frames in `ms` milliseconds.
    private func frames(ms: Int) -> Int64 { Int64(ms) * sampleRate / 1000 / hop }

    /// Stream time of the end of frame `frame`, in milliseconds.
    private func milliseconds(frame: Int64) -> Int64 { frame * hop * 1000 / sampleRate }

    private mutating func handleFrame(
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void,
        onCandidate: (TrackCandidate) -> Void
    ) {
        let now = frames.frameIndex
        let tone = frames.tone
        voicedHistory = (voicedHistory << 1) | (frames.voiced && !tone.isTonal ? 1 : 0)
        if tone.isTonal {
            if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) + 1,
                current.continues(with: tone)
            {
                current.add(frame: now, tone: tone)
                track = current
            } else {
                endTrack(at: now, onEvent: onEvent, onRejection: onRejection)
                var started = ToneTrack(frame: now, tone: tone)
                started.gapBefore = now - previous.lastFrame
                // Voiced frames in the 400 ms before the onset, leaving out the 4 frames that may hold its start.
                started.voicedBefore = ((voicedHistory >> 5) & ((1 << 40) - 1)).nonzeroBitCount
                started.takesOver = started.gapBefore <= Int64(configuration.maxSuccessionGapFrames)
                    && previous.tonalFrames >= configuration.confirmFrames
                if started.takesOver && previous.steady {
                    // The next tone of a multi-tone beep, or the next note of a melody: measured from the
                    // sequence's start, as one beep would be.
                    started.gapBefore = previous.gapBefore
                    started.voicedBefore = previous.voicedBefore
                    started.sequenceStart = previous.sequenceStart
                }
                track = started
                frames.clearContext()
            }
        } else {
            // Voiced frames outside tones: the greeting, or a person talking.
            if frames.voiced {
                speechFrames += 1
                let level = tone.bandEnergyDb
                speechLevelDb += (level - speechLevelDb) * (level > speechLevelDb ? 0.2 : 0.005)
            }
            if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) {
                if frames.analysed { current.observe(frame: now, energyDb: tone.bandEnergyDb) }
                track = current
            } else {
                endTrack(at: now, onEvent: onEvent, onRejection: onRejection)
                if frames.analysed, frames.contextCount == model.features.contextFrames,
                    now % Int64(model.features.contextFrames) == 0
                {
                    classifyContext()
                }
            }
        }
        if var current = track {
            switch current.state {
            case .building where current.tonalFrames >= configuration.confirmFrames:
                judge(&current, now: now, onEvent: onEvent, onRejection: onRejection, onCandidate: onCandidate)
            case .watching where current.quietOnly && current.spanFrames > frames(ms: configuration.maxBeepMs):
                current.state = .rejected
                onRejection(rejection(.tooLong, track: current, now: now, detail: Double(current.spanFrames)))
            case .watching where !current.quietOnly && current.tonalFrames >= configuration.watchFrames:
                rejudge(&current, now: now, onEvent: onEvent, onRejection: onRejection)
            case .deferred where current.spanFrames > frames(ms: configuration.maxBeepMs):
                current.state = .rejected
                onRejection(rejection(.tooLong, track: current, now: now, detail: Double(current.spanFrames)))
            default:
                break
            }
            track = current
        }
        // Voiced sound after a deferred tone counts against it when loud enough to be a voice or melody carrying on.
        if !tone.isTonal && frames.voiced, let pending = recent.pending, tone.bandEnergyDb > pending.loudDb {
            recent.pending?.voicedFrames += 1
        }
        resolvePending(now: now, onEvent: onEvent, onRejection: onRejection)
        frames.holdOpen = track != nil || recent.pending != nil
    }

    /// First look at a track that is long enough: report it, reject it, or defer it to its end.
    private mutating func judge(
        _ track: inout ToneTrack,
        now: Int64,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void,
        onCandidate: (TrackCandidate) -> Void
    ) {
        let frequency = track.meanFrequencyHz
        let second = track.secondFrequencyHz
        track.signalling = SignallingTones.classify(frequencyHz: frequency, secondHz: second)
        func reject(_ reason: ToneRejection.Reason, _ detail: Double) {
            track.state = .rejected
            onRejection(rejection(reason, track: track, now: now, detail: detail))
        }
        let spread = track.frequencySpreadHz
        if track.firstFrame < frames(ms: configuration.startupMs) {
            return reject(.onsetUnseen, Double(milliseconds(frame: track.firstFrame)))
        }
        let lowest = second > 0 ? min(frequency, second) : frequency
        if let (reason, detail) = steadinessFault(track) { return reject(reason, detail) }
        if second > 0 && abs(second - frequency) < configuration.minTwoToneSeparationHz {
            return reject(.beating, abs(second - frequency))
        }
        let spanSamples = Int(track.spanFrames * hop)
        if let distance = frames.closeTonePair(aroundHz: frequency, samples: spanSamples),
            distance < configuration.minTwoToneSeparationHz
        {
            return reject(.beating, distance)
        }
        // A steady tone from here on. Network tones are remembered, so the next one at this frequency is seen as a
        // cadence; tones that may be a voice's are not, lest they hide a beep at the same pitch.
        let repeated = recent.contains(
            frequencyHz: frequency,
            since: now - frames(ms: configuration.cadenceMemoryMs),
            speechWindows: speechWindows,
            speechBetween: speechWindowsNeeded
        )
        switch track.signalling {
        case .dtmf:
            recent.remember(track, speechWindows: speechWindows)
            return reject(.dtmf, second)
        case .callProgressPair:
            recent.remember(track, speechWindows: speechWindows)
            return reject(.callProgress, second)
        case .sitLater where now <= sitUntilFrame:
            return reject(.sit, frequency)
        default: break
        }
        if repeated {
            recent.remember(track, speechWindows: speechWindows)
            return reject(.repeated, frequency)
        }
        // A voicemail beep follows a greeting; tones before anyone spoke are the network's (ringback, SIT, fax).
        if !greetingHeard {
            if track.meanPurity >= configuration.clearPurity && spread <= configuration.clearSpread * frequency {
                recent.remember(track, speechWindows: speechWindows)
            }
            return reject(.noGreeting, Double(speechFrames))
        }
        // After a greeting, a tone near a signalling frequency but off its nominal value (network generators are
        // exact; beeps fall anywhere) is judged like any other. Waiting for it to end would miss beeps followed at
        // once by the caller's message, and cost latency. A tone at the nominal value (busy after a hang-up, call
        // waiting) is still judged on its cadence.
        if speechRecognised, track.signalling == .callProgressSingle || track.signalling == .faxCalling
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
            sitUntilFrame = now + 200
            return reject(.sit, frequency)
        }
        if let level = faintLevel(of: track) { return reject(.faint, level) }
        let measured = measurements(of: track, odds: tonalLogOdds())
        onCandidate(
            TrackCandidate(
                atMs: milliseconds(frame: now),
                onsetMs: onsetMs(of: track),
                frequencyHz: frequency,
                measurements: measured
            )
        )
        let score = beepScore(measured)
        if score < 0 {
            // A network tone the classifier doubted still marks a cadence (ringback heard over babble).
            if track.signalling != .none { recent.remember(track, speechWindows: speechWindows) }
            return reject(.notBeepLike, score)
        }
        if musicOnLine {
            track.state = .watching
            track.quietOnly = true
            return
        }
        if track.signalling == .none && !isClear(track, lowest: lowest, spread: spread, score: score) {
            track.state = .watching
            return
        }
        recent.remember(track, speechWindows: speechWindows)
        switch track.signalling {
        case .callProgressSingle, .sitFirst, .faxCalling, .answerTone:
            track.state = .deferred
        default:
            report(&track, now: now, score: score, onEvent: onEvent, onRejection: onRejection)
        }
    }

    /// Classifies the last context window outside any tone: is the line carrying speech (a greeting, a person) or
    /// music (hold music)? The greeting rule and the music rule read the counts.
    private mutating func classifyContext() {
        features.withUnsafeMutableBufferPointer { frames.contextFeatures(into: $0) }
        features.withUnsafeBufferPointer { x in
            posterior.withUnsafeMutableBufferPointer { model.classifier.predictLogProba(x, into: $0) }
        }
        var best = 0
        for index in posterior.indices where posterior[index] > posterior[best] { best = index }
        if best == speechClass { speechWindows += 1 }
        if best == musicClass { musicWindows += 1 }
    }

    /// Whether someone has spoken on the line: `speech_context_ms` of windows the classifier calls speech, or, for
    /// voices unlike its training (wideband, other languages, speech in noise), `voiced_context_ms` of voiced sound.
    /// Voiced sound counts even when the classifier heard more music than speech (ringback before the answer, a
    /// music bed, a greeting it takes for noise): tones are then judged by the quiet after them (``musicOnLine``)
    /// rather than dismissed as the network's.
    private var greetingHeard: Bool {
        if speechClass != nil && speechWindows >= windows(ms: configuration.speechContextMs) { return true }
        return Int64(speechFrames) >= frames(ms: configuration.voicedContextMs)
    }

    /// Context windows that cover at least `ms` milliseconds.
    private func windows(ms: Int) -> Int {
        let size = Int64(model.features.contextFrames)
        return Int((frames(ms: ms) + size - 1) / size)
    }

    /// Context windows of speech that make `greeting_confirm_ms`.
    private var speechWindowsNeeded: Int { windows(ms: configuration.greetingConfirmMs) }

    /// Whether the classifier has recognised `greeting_confirm_ms` of speech on the line: enough that the line is
    /// past its network tones.
    private var speechRecognised: Bool { speechClass != nil && speechWindows >= speechWindowsNeeded }

    /// Whether the line has carried more music than speech: every tone must then end in quiet to count.
    private var musicOnLine: Bool { musicWindows > speechWindows }

    /// Whether a track is beyond doubt at its first look. The track classifier, which weighs purity, steadiness,
    /// frequency and context together, decides by its clear threshold alone; with the MFCC classifier only, the
    /// track must also lie above the band where a voice's harmonic can dominate, be steady to a fraction of a hertz
    /// per hundred, and pure.
    private func isClear(_ track: ToneTrack, lowest: Double, spread: Double, score: Double) -> Bool {
        if model.trackClassifier != nil { return score >= clearMargin }
        let slope = abs(track.relativeSlopePerFrame) * Double(frames(ms: 100))
        return lowest >= configuration.lowBandHz && slope <= configuration.maxLowBandSlope
            && spread <= configuration.clearSpread * track.meanFrequencyHz
            && track.meanPurity >= configuration.clearPurity
            && score >= clearMargin
    }

    /// How far above the beep threshold a track's score must be for it to be clear at its first look.
    private var clearMargin: Double {
        guard let classifier = model.trackClassifier else { return configuration.clearOddsMargin }
        return classifier.clearThreshold - classifier.threshold
    }

    /// What the track classifier reads of `track`, with `odds` the MFCC classifier's tonal log-odds over it.
    private func measurements(of track: ToneTrack, odds: Double) -> TrackMeasurements {
        var m = TrackMeasurements()
        m.logFrequency = log(max(track.meanFrequencyHz, 1))
        m.purity = track.meanPurity
        m.spreadPermille = track.frequencySpreadHz / max(track.meanFrequencyHz, 1) * 1000
        m.glide = abs(track.relativeSlopePerFrame) * Double(frames(ms: 100))
        m.levelWobbleDb = track.levelWobbleDb
        m.voicedBefore = Double(track.voicedBefore)
        m.logGapBefore = log1p(Double(min(track.gapBefore, 300)))
        m.mfccLogOdds = min(100, max(-100, odds))
        m.logSpeechWindows = log1p(Double(speechWindows))
        m.logVoicedWindows = log1p(Double(speechFrames) / Double(model.features.contextFrames))
        m.levelOverSpeechDb = levelOverSpeechDb(of: track)
        return m
    }

    /// A track's band level over the speech level tracked so far, in dB, clamped to ±40.
    private func levelOverSpeechDb(of track: ToneTrack) -> Double {
        min(40, max(-40, track.meanLevelDb - speechLevelDb))
    }

    /// The track's level over the speech when it is too faint for a beep (`min_level_over_speech_db`: a note of
    /// background music under a voice), else nil.
    private func faintLevel(of track: ToneTrack) -> Double? {
        let level = levelOverSpeechDb(of: track)
        return level < configuration.minLevelOverSpeechDb ? level : nil
    }

    /// How beep-like a track is, relative to the model's threshold (0 = on it): the track classifier's logit when
    /// the model has one, else the MFCC classifier's tonal log-odds.
    private func beepScore(_ m: TrackMeasurements) -> Double {
        guard let classifier = model.trackClassifier else { return m.mfccLogOdds - model.minTonalLogOdds }
        return classifier.logit(m) - classifier.threshold
    }

    /// Second look at a watched track that kept going: its statistics now cover `watch_frames` frames.
    private mutating func rejudge(
        _ track: inout ToneTrack,
        now: Int64,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void
    ) {
        if let (reason, detail) = steadinessFault(track) {
            track.state = .rejected
            return onRejection(rejection(reason, track: track, now: now, detail: detail))
        }
        if let level = faintLevel(of: track) {
            track.state = .rejected
            return onRejection(rejection(.faint, track: track, now: now, detail: level))
        }
        let score = beepScore(measurements(of: track, odds: tonalLogOdds()))
        if score < 0 {
            track.state = .rejected
            return onRejection(rejection(.notBeepLike, track: track, now: now, detail: score))
        }
        report(&track, now: now, score: score, onEvent: onEvent, onRejection: onRejection)
    }

    /// Why a track is not steady enough for a beep, if it is not: its frequency spreads around its trend, glides
    /// faster than a beep's in the band where voices live (or than a sweep above it), or its level wobbles.
    private func steadinessFault(_ track: ToneTrack) -> (ToneRejection.Reason, Double)? {
        let frequency = track.meanFrequencyHz
        let spread = track.frequencySpreadHz
        if spread > max(configuration.minFrequencySpreadHz, configuration.maxFrequencySpread * frequency) {
            return (.unstableFrequency, spread)
        }
        let slope = abs(track.relativeSlopePerFrame) * Double(frames(ms: 100))
        let lowest = track.secondFrequencyHz > 0 ? min(frequency, track.secondFrequencyHz) : frequency
        let maxSlope = lowest < configuration.lowBandHz ? configuration.maxLowBandSlope : configuration.maxSlope
        if slope > maxSlope { return (.unstableFrequency, slope) }
        if track.levelWobbleDb > configuration.maxLevelWobbleDb { return (.beating, track.levelWobbleDb) }
        return nil
    }

    /// A track ended (its tone stopped, or another tone began): a deferred track is now judged on its duration.
    private mutating func endTrack(at now: Int64, onEvent: (BeepEvent) -> Void, onRejection: (ToneRejection) -> Void) {
        guard let ended = track else { return }
        track = nil
        previous = ended
        if ended.state == .watching {
            // Too short to be judged on its own: a beep if the line goes quiet after it.
            // Sound within `quiet_margin_db` of the tone's level carries on from it; fainter sound is the line noise or
            // music bed the tone stood out from.
            recent.pending = PendingTone(
                track: ended,
                decideAt: now + frames(ms: configuration.quietAfterMs),
                needsQuiet: true,
                loudDb: ended.meanLevelDb - configuration.quietMarginDb
            )
            return
        }
        guard ended.state == .deferred else { return }
        let durationMs = milliseconds(frame: ended.spanFrames) + 20
        switch ended.signalling {
        case .answerTone where durationMs > Int64(configuration.maxBeepMs):
            onRejection(rejection(.tooLong, track: ended, now: now, detail: Double(durationMs)))
        case .faxCalling where configuration.rejectFaxCallingTone && (350...750).contains(durationMs):
            // CNG: 0.5 s of 1100 Hz every 3.5 s from a calling fax machine.
            onRejection(rejection(.fax, track: ended, now: now, detail: Double(durationMs)))
        case .callProgressSingle where durationMs >= Int64(configuration.ringbackMinMs):
            onRejection(rejection(.callProgress, track: ended, now: now, detail: Double(durationMs)))
        case .sitFirst, .callProgressSingle:
            // Wait to see what follows: the rest of a SIT triplet, or the same tone again (a cadence).
            // After a greeting only the cadence counts: the caller's message may follow a beep at once.
            let isSIT = ended.signalling == .sitFirst
            let hold = speechRecognised ? configuration.cadenceGapMs : configuration.cadenceHoldMs
            let wait = isSIT ? 8 : frames(ms: hold)
            recent.pending = PendingTone(track: ended, decideAt: now + wait, needsQuiet: isSIT || !speechRecognised)
        default:
            var reported = ended
            let score = beepScore(measurements(of: reported, odds: tonalLogOdds()))
            report(&reported, now: now, score: max(score, 0), onEvent: onEvent, onRejection: onRejection)
        }
    }

    /// Settles a deferred tone whose wait is over, or that the tone now sounding contradicts.
    private mutating func resolvePending(now: Int64, onEvent: (BeepEvent) -> Void, onRejection: (ToneRejection) -> Void)
    {
        guard var pending = recent.pending else { return }
        if let current = track, current.firstFrame > pending.track.lastFrame {
            let follows = current.firstFrame - pending.track.lastFrame <= 8
            if pending.track.signalling == .sitFirst, follows,
                SignallingTones.classify(frequencyHz: current.lastFrequencyHz, secondHz: 0) == .sitLater
            {
                recent.pending = nil
                sitUntilFrame = now + 200
                return onRejection(rejection(.sit, track: pending.track, now: now, detail: current.lastFrequencyHz))
            }
            if pending.track.signalling == .callProgressSingle,
                SignallingTones.near(current.lastFrequencyHz, pending.track.meanFrequencyHz, tolerance: 0.02)
            {
                recent.pending = nil
                return onRejection(rejection(.repeated, track: pending.track, now: now, detail: 0))
            }
        }
        guard now >= pending.decideAt else { return }
        recent.pending = nil
        if pending.needsQuiet && pending.voicedFrames > configuration.maxVoicedAfter {
            return onRejection(rejection(.speechAround, track: pending.track, now: now, detail: Double(pending.voicedFrames)))
        }
        // The whole tone, now it has ended: a note's loud attack may have passed the first look.
        if let level = faintLevel(of: pending.track) {
            return onRejection(rejection(.faint, track: pending.track, now: now, detail: level))
        }
        report(&pending.track, now: now, score: 0, onEvent: onEvent, onRejection: onRejection)
    }

    private mutating func report(
        _ track: inout ToneTrack,
        now: Int64,
        score: Double,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void
    ) {
        if now - lastReportFrame < frames(ms: configuration.refractoryMs) {
            track.state = .rejected
            return onRejection(rejection(.refractory, track: track, now: now, detail: 0))
        }
        track.state = .reported
        lastReportFrame = now
        let certainty = 1 / (1 + exp(-score))
        onEvent(
            BeepEvent(
                onsetMs: onsetMs(of: track),
                detectedMs: milliseconds(frame: now),
                frequencyHz: (track.meanFrequencyHz * 10).rounded() / 10,
                confidence: ((0.5 * min(1, track.meanPurity) + 0.5 * certainty) * 1000).rounded() / 1000
            )
        )
    }

    /// Log-odds of the tonal classes against the others, from the MFCC statistics of the frames since the track
    /// began.
    private mutating func tonalLogOdds() -> Double {
        features.withUnsafeMutableBufferPointer { frames.contextFeatures(into: $0) }
        features.withUnsafeBufferPointer { x in
            posterior.withUnsafeMutableBufferPointer { model.classifier.predictLogProba(x, into: $0) }
        }
        var tonal = -Double.infinity
        var other = -Double.infinity
        for (index, logP) in posterior.enumerated() {
            if tonalClassMask[index] { tonal = logAdd(tonal, logP) } else { other = logAdd(other, logP) }
        }
        return tonal - other
    }

    private func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let high = max(a, b)
        return high + log(exp(a - high) + exp(b - high))
    }

    /// The beep's start: the first tonal frame's end (of the first tone, for a multi-tone beep), less the part of
    /// the window a tone must fill to show.
    private func onsetMs(of track: ToneTrack) -> Int64 {
        max(0, milliseconds(frame: track.sequenceStart) - Int64(configuration.onsetLagMs))
    }

    private func rejection(_ reason: ToneRejection.Reason, track: ToneTrack, now: Int64, detail: Double)
        -> ToneRejection
    {
        ToneRejection(
            reason: reason,
            atMs: milliseconds(frame: now),
            onsetMs: onsetMs(of: track),
            frequencyHz: track.meanFrequencyHz,
            detail: detail
        )
    }
}
