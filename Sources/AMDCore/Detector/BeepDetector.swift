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
/// cadence, and the Gaussian NB classifier over the MFCC statistics of its frames. A beep is reported there and
/// then, so latency does not grow with the beep's length. A tone at a signalling frequency is judged again when it
/// ends (its duration, what follows, whether anyone spoke before), a little later but still within the beep.
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
    /// One bit per recent frame, newest lowest: set when the frame was voiced and not part of a tone.
    private var speechBits: UInt32 = 0
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
        hop = Int64(model.features.mfcc.hopLength)
        sampleRate = Int64(model.features.mfcc.sampleRate)
    }

    /// Feeds samples at the model's rate (16 kHz); calls `onEvent` for each beep and `onRejection` for each
    /// beep-like tone it rejects (for debug logs).
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void = { _ in }
    ) {
        for sample in samples where frames.push(sample) {
            handleFrame(onEvent: onEvent, onRejection: onRejection)
        }
        sampleCount += Int64(samples.count)
    }

    /// Frames in `ms` milliseconds.
    private func frames(ms: Int) -> Int64 { Int64(ms) * sampleRate / 1000 / hop }

    /// Stream time of the end of frame `frame`, in milliseconds.
    private func milliseconds(frame: Int64) -> Int64 { frame * hop * 1000 / sampleRate }

    private mutating func handleFrame(onEvent: (BeepEvent) -> Void, onRejection: (ToneRejection) -> Void) {
        let now = frames.frameIndex
        let tone = frames.tone
        if DebugTrace.frames && frames.analysed {
            print("FRAME \(milliseconds(frame: now)) tonal=\(tone.isTonal) f=\(Int(tone.frequencyHz)) f2=\(Int(tone.secondFrequencyHz)) p=\((tone.purity * 100).rounded()) prom=\(Int(tone.prominenceDb)) f0=\(Int(tone.impliedFundamentalHz)) e=\(Int(tone.bandEnergyDb)) v=\(frames.voiced) \(tone.debugSubharmonics)")
        }
        if tone.isTonal {
            speechBits <<= 1
            if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) + 1,
                current.continues(with: tone)
            {
                current.add(frame: now, tone: tone)
                track = current
            } else {
                endTrack(at: now, onEvent: onEvent, onRejection: onRejection)
                var started = ToneTrack(frame: now, tone: tone)
                started.speechLeadIn = (speechBits & 0b11111).nonzeroBitCount
                track = started
                frames.clearContext()
            }
        } else {
            if var current = track, now - current.lastFrame <= Int64(configuration.maxGapFrames) {
                if frames.analysed { current.observe(frame: now, energyDb: tone.bandEnergyDb) }
                track = current
            } else {
                endTrack(at: now, onEvent: onEvent, onRejection: onRejection)
                // Voiced frames outside any tone: the greeting, or a person talking.
                if frames.voiced { speechFrames += 1 }
                speechBits = speechBits << 1 | (frames.voiced ? 1 : 0)
            }
        }
        if var current = track {
            switch current.state {
            case .building where current.tonalFrames >= configuration.confirmFrames:
                judge(&current, now: now, onEvent: onEvent, onRejection: onRejection)
            case .deferred where current.spanFrames > frames(ms: configuration.maxBeepMs):
                current.state = .rejected
                onRejection(rejection(.tooLong, track: current, now: now, detail: Double(current.spanFrames)))
            default:
                break
            }
            track = current
        }
        resolvePending(now: now, onEvent: onEvent, onRejection: onRejection)
        frames.holdOpen = track != nil || recent.pending != nil
    }

    /// First look at a track that is long enough: report it, reject it, or defer it to its end.
    private mutating func judge(
        _ track: inout ToneTrack,
        now: Int64,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void
    ) {
        let frequency = track.meanFrequencyHz
        let second = track.secondFrequencyHz
        track.signalling = SignallingTones.classify(frequencyHz: frequency, secondHz: second)
        func reject(_ reason: ToneRejection.Reason, _ detail: Double) {
            track.state = .rejected
            onRejection(rejection(reason, track: track, now: now, detail: detail))
        }
        let spread = track.frequencySpreadHz
        if DebugTrace.enabled {
            print("TRACE judge t=\(milliseconds(frame: track.firstFrame)) f=\(Int(frequency)) f2=\(Int(second)) spread=\(spread) wobble=\(track.levelWobbleDb) purity=\(track.meanPurity) odds=\(tonalLogOdds()) speech=\(speechFrames) pre=\(track.speechLeadIn) slope=\(track.relativeSlopePerFrame * 10)")
        }
        if track.firstFrame < frames(ms: configuration.startupMs) {
            return reject(.onsetUnseen, Double(milliseconds(frame: track.firstFrame)))
        }
        if spread > max(configuration.minFrequencySpreadHz, configuration.maxFrequencySpread * frequency) {
            return reject(.unstableFrequency, spread)
        }
        if track.levelWobbleDb > configuration.maxLevelWobbleDb { return reject(.beating, track.levelWobbleDb) }
        // Pitch glides: a voice's harmonic gliding through the low band moves faster than any beep's drift there;
        // higher up, where voices rarely hold one dominant harmonic, short sweeps are allowed.
        let slope = abs(track.relativeSlopePerFrame) * Double(frames(ms: 100))
        let maxSlope =
            frequency < configuration.lowBandHz ? configuration.maxLowBandSlope : configuration.maxSlope
        if slope > maxSlope { return reject(.unstableFrequency, slope) }
        if second > 0 && abs(second - frequency) < configuration.minTwoToneSeparationHz {
            return reject(.beating, abs(second - frequency))
        }
        let spanSamples = Int(track.spanFrames * hop)
        if let distance = frames.closeTonePair(aroundHz: frequency, samples: spanSamples),
            distance < configuration.minTwoToneSeparationHz
        {
            return reject(.beating, distance)
        }
        // A steady tone from here on: remember it, so the next one at this frequency is seen as a cadence.
        let repeated = recent.contains(
            frequencyHz: frequency,
            since: now - frames(ms: configuration.cadenceMemoryMs)
        )
        recent.remember(track)
        switch track.signalling {
        case .dtmf: return reject(.dtmf, second)
        case .callProgressPair: return reject(.callProgress, second)
        case .sitLater where now <= sitUntilFrame: return reject(.sit, frequency)
        default: break
        }
        if repeated { return reject(.repeated, frequency) }
        // A voicemail beep follows a greeting; tones before anyone spoke are the network's (ringback, SIT, fax).
        if Int64(speechFrames) < frames(ms: configuration.speechContextMs) {
            return reject(.noGreeting, Double(speechFrames))
        }
        let odds = tonalLogOdds()
        if odds < model.minTonalLogOdds { return reject(.notBeepLike, odds) }
        switch track.signalling {
        case .callProgressSingle, .sitFirst, .faxCalling, .answerTone:
            track.state = .deferred
        default:
            report(&track, now: now, odds: odds, onEvent: onEvent, onRejection: onRejection)
        }
    }

    /// A track ended (its tone stopped, or another tone began): a deferred track is now judged on its duration.
    private mutating func endTrack(at now: Int64, onEvent: (BeepEvent) -> Void, onRejection: (ToneRejection) -> Void) {
        guard let ended = track else { return }
        track = nil
        guard ended.state == .deferred else { return }
        let durationMs = milliseconds(frame: ended.spanFrames) + 20
        switch ended.signalling {
        case .answerTone where durationMs > Int64(configuration.maxBeepMs):
            onRejection(rejection(.tooLong, track: ended, now: now, detail: Double(durationMs)))
        case .callProgressSingle where durationMs >= Int64(configuration.ringbackMinMs):
            onRejection(rejection(.callProgress, track: ended, now: now, detail: Double(durationMs)))
        case .faxCalling where (350...750).contains(durationMs):
            onRejection(rejection(.fax, track: ended, now: now, detail: Double(durationMs)))
        case .sitFirst, .callProgressSingle:
            // Wait to see what follows: the rest of a SIT triplet, or the same tone again (a cadence).
            let wait = ended.signalling == .sitFirst ? 8 : frames(ms: configuration.cadenceHoldMs)
            recent.pending = PendingTone(track: ended, decideAt: now + wait)
        default:
            var reported = ended
            report(&reported, now: now, odds: tonalLogOdds(), onEvent: onEvent, onRejection: onRejection)
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
        report(&pending.track, now: now, odds: model.minTonalLogOdds, onEvent: onEvent, onRejection: onRejection)
    }

    private mutating func report(
        _ track: inout ToneTrack,
        now: Int64,
        odds: Double,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void
    ) {
        if now - lastReportFrame < frames(ms: configuration.refractoryMs) {
            track.state = .rejected
            return onRejection(rejection(.refractory, track: track, now: now, detail: 0))
        }
        track.state = .reported
        lastReportFrame = now
        let certainty = 1 / (1 + exp(-(odds - model.minTonalLogOdds)))
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

    /// The beep's start: the first tonal frame's end, less the part of the window a tone must fill to show.
    private func onsetMs(of track: ToneTrack) -> Int64 {
        max(0, milliseconds(frame: track.firstFrame) - Int64(configuration.onsetLagMs))
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

import Foundation
enum DebugTrace { static let enabled = ProcessInfo.processInfo.environment["AMD_TRACE"] != nil; static let frames = ProcessInfo.processInfo.environment["AMD_TRACE"] == "2" }
