import Foundation
import Testing

@testable import AMDCore

/// ``TrackScorer``: the signal rules and their rejection reasons, the measurements the track classifier reads, and
/// an event's confidence.
struct TrackScorerTests {
    static let clock = FrameClock(hopSamples: 160, sampleRateHz: 16_000)
    static let configuration = BeepDetector.Configuration()
    static let scorer = TrackScorer(model: .default, configuration: configuration, clock: clock)

    /// A track over consecutive frames from `first`, one per frequency, at `levelDb` (or per-frame `levels`).
    static func track(
        _ frequencies: [Double], first: Int64 = 100, second: Double = 0, levelDb: Double = -20, levels: [Double]? = nil
    ) -> ToneTrack {
        func frame(_ index: Int) -> ToneFrame {
            var tone = ToneFrame()
            tone.isTonal = true
            tone.frequencyHz = frequencies[index]
            tone.secondFrequencyHz = second
            tone.purity = 0.95
            tone.bandEnergyDb = levels?[index] ?? levelDb
            return tone
        }
        var track = ToneTrack(frame: first, tone: frame(0))
        for index in frequencies.indices.dropFirst() { track.add(frame: first + Int64(index), tone: frame(index)) }
        return track
    }

    /// A call context after `voicedFrames` voiced frames at `levelDb`.
    static func context(voicedFrames: Int, levelDb: Double = -20) -> GreetingContext {
        var context = GreetingContext(
            hasSpeechClass: true, contextFrames: 8, configuration: configuration, clock: clock)
        for _ in 0..<voicedFrames { context.observe(voiced: true, tonal: false, bandEnergyDb: levelDb) }
        return context
    }

    /// The first look at `track` at its last frame, with a fresh front end and classifier.
    static func firstLook(
        _ track: inout ToneTrack, context: GreetingContext, previous: ToneTrack? = nil,
        recent: RecentTones = RecentTones()
    ) throws -> TrackScorer.FirstLook {
        var frames = try FrameAnalyzer(specification: BeepModel.default.features, thresholds: configuration.tone)
        var classifier = WindowClassifier(model: .default)
        return scorer.firstLook(
            &track, now: track.lastFrame, frames: &frames, classifier: &classifier, context: context,
            recent: recent, previous: previous ?? Self.track([0], first: BeepDetector.longAgoFrame))
    }

    @Test func aSteadyToneHasNoFault() {
        #expect(Self.scorer.steadinessFault(Self.track([Double](repeating: 1000, count: 12))) == nil)
    }

    @Test func aWanderingToneIsUnstable() throws {
        let fault = try #require(Self.scorer.steadinessFault(Self.track((0..<12).map { $0 % 2 == 0 ? 580 : 620 })))
        #expect(fault.0 == .unstableFrequency)
        #expect(abs(fault.1 - 20) < 1, "spread \(fault.1) Hz")
    }

    @Test func aToneScatteredByACodecIsSteady() throws {
        let scattered = Self.track(ToneTrackTests.codecScatter(count: 28, around: 1200))
        #expect(scattered.frequencySpreadHz > Self.configuration.maxFrequencySpread * 1200)
        #expect(Self.scorer.steadinessFault(scattered) == nil)
        // Without the allowance for scatter the same tone is unstable.
        var strict = Self.configuration
        strict.maxNoisyFrequencySpread = 0
        let strictScorer = TrackScorer(model: .default, configuration: strict, clock: Self.clock)
        let fault = try #require(strictScorer.steadinessFault(scattered))
        #expect(fault.0 == .unstableFrequency)
    }

    @Test func aWanderingPitchAsSpreadAsACodecsScatterIsUnstable() throws {
        let wander = Self.track(ToneTrackTests.wanderingPitch(around: 1200))
        #expect(wander.frequencySpreadHz < Self.configuration.maxNoisyFrequencySpread * 1200)
        let fault = try #require(Self.scorer.steadinessFault(wander))
        #expect(fault.0 == .unstableFrequency)
        #expect(abs(fault.1 - wander.frequencySpreadHz) < 1e-9)
    }

    @Test func aToneScatteredBeyondTheAllowanceIsUnstable() throws {
        let scattered = Self.track(ToneTrackTests.codecScatter(count: 28, around: 600, jitterHz: 20))
        #expect(scattered.frequencySpreadHz > Self.configuration.minNoisyFrequencySpreadHz)
        let fault = try #require(Self.scorer.steadinessFault(scattered))
        #expect(fault.0 == .unstableFrequency)
    }

    @Test func aGlideIsHeldTighterInTheBandWhereVoicesLive() throws {
        // 5 Hz a frame: 10 % per 100 ms at 500 Hz (over `max_low_band_slope`), 3.3 % at 1500 Hz (under `max_slope`).
        let low = try #require(Self.scorer.steadinessFault(Self.track((0..<12).map { 500 + 5 * Double($0) })))
        #expect(low.0 == .unstableFrequency)
        #expect(Self.scorer.steadinessFault(Self.track((0..<12).map { 1500 + 5 * Double($0) })) == nil)
    }

    @Test func aWobblingLevelBeats() throws {
        let levels = (0..<12).map { $0 % 2 == 0 ? -18.0 : -26.0 }
        let track = Self.track([Double](repeating: 1000, count: 12), levels: levels)
        let fault = try #require(Self.scorer.steadinessFault(track))
        #expect(fault.0 == .beating)
    }

    @Test func measurementsAreBounded() {
        var track = Self.track([Double](repeating: 1000, count: 12), levelDb: -5)
        track.gapBefore = 1_000_000
        track.voicedBefore = 17
        let m = Self.scorer.measurements(of: track, odds: 1e6, context: Self.context(voicedFrames: 0))
        #expect(abs(m.logFrequency - log(1000)) < 1e-12)
        #expect(m.mfccLogOdds == TrackScorer.mfccLogOddsLimit)
        #expect(m.levelOverSpeechDb == TrackScorer.levelOverSpeechLimitDb)
        #expect(m.logGapBefore == log1p(Double(TrackScorer.maxGapBeforeFrames)))
        #expect(m.voicedBefore == 17)
        #expect(m.spreadPermille == 0 && m.glide == 0)
    }

    @Test func confidenceWeighsPurityAndCertaintyEqually() {
        let track = Self.track([Double](repeating: 1000, count: 12))
        // Purity 0.95; a score on the threshold is a certainty of one half.
        #expect(Self.scorer.confidence(of: track, score: 0) == 0.725)
        #expect(Self.scorer.confidence(of: track, score: 50) == 0.975)
    }

    @Test func theWholeToneMustNotBeFaint() {
        let context = Self.context(voicedFrames: 60, levelDb: -20)
        let steady = [Double](repeating: 600, count: 12)
        let faint = Self.scorer.finalLook(Self.track(steady, levelDb: -50), context: context)
        guard case .reject(.faint, let detail) = faint else {
            Issue.record("verdict \(faint)")
            return
        }
        #expect(abs(detail - -30) < 0.01)
        #expect(Self.scorer.finalLook(Self.track(steady), context: context) == .report(score: 0))
    }

    @Test func aToneLongerThanAnyBeepIsTooLong() {
        // `max_beep_ms` is 2 s: 200 frames.
        #expect(!Self.scorer.isTooLong(Self.track([Double](repeating: 800, count: 200))))
        #expect(Self.scorer.isTooLong(Self.track([Double](repeating: 800, count: 201))))
    }

    @Test func aToneAtTheStreamsStartHadItsOnsetUnseen() throws {
        var track = Self.track([Double](repeating: 1000, count: 8), first: 5)
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60))
        #expect(look.verdict == .reject(.onsetUnseen, detail: 50))
        #expect(!look.remember && look.measurements == nil)
    }

    @Test func aToneBeforeAnyoneSpokeIsTheNetworksAndRemembered() throws {
        var track = Self.track([Double](repeating: 1000, count: 8))
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 10))
        #expect(look.verdict == .reject(.noGreeting, detail: 10))
        #expect(look.remember)
    }

    @Test func aDTMFDigitIsRejectedAndRemembered() throws {
        var track = Self.track([Double](repeating: 697, count: 8), second: 1209)
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60))
        #expect(look.verdict == .reject(.dtmf, detail: 1209))
        #expect(look.remember)
        #expect(track.signalling == .dtmf)
    }

    @Test func aDTMFDigitOpensAString() throws {
        var track = Self.track([Double](repeating: 852, count: 8), second: 1477)
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60))
        #expect(look.heardDTMF)
    }

    @Test func aLoneToneAtADTMFFrequencyWithinAStringIsADigit() throws {
        var recent = RecentTones()
        var track = Self.track([Double](repeating: 770, count: 8))
        recent.heardDTMF(at: track.lastFrame - 30)
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60), recent: recent)
        #expect(look.verdict == .reject(.dtmf, detail: track.meanFrequencyHz))
        #expect(look.heardDTMF)
        // Off every row and column frequency, the same tone is judged as any other.
        var off = Self.track([Double](repeating: 730, count: 8))
        let offLook = try Self.firstLook(&off, context: Self.context(voicedFrames: 60), recent: recent)
        #expect(offLook.verdict != .reject(.dtmf, detail: off.meanFrequencyHz))
        #expect(!offLook.heardDTMF)
    }

    @Test func aToneTakingOverFromAnUnsteadyOneIsASuccession() throws {
        var track = Self.track([Double](repeating: 1000, count: 8))
        track.takesOver = true
        track.gapBefore = 2
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60))
        #expect(look.verdict == .reject(.succession, detail: 2))
        #expect(track.steady)
    }

    @Test func aNoteFarUnderTheSpeechIsFaint() throws {
        var track = Self.track([Double](repeating: 1000, count: 8), levelDb: -55)
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60, levelDb: -20))
        guard case .reject(.faint, let detail) = look.verdict else {
            Issue.record("verdict \(look.verdict)")
            return
        }
        #expect(abs(detail - -35) < 0.01)
    }

    @Test func aSteadyToneAfterAGreetingIsScored() throws {
        var track = Self.track([Double](repeating: 1000, count: 8))
        let look = try Self.firstLook(&track, context: Self.context(voicedFrames: 60))
        let measured = try #require(look.measurements, "verdict \(look.verdict)")
        #expect(abs(measured.logFrequency - log(1000)) < 1e-12)
        #expect(track.steady)
        // Scored, so the verdict is the classifier's: a report, a watch or its rejection, never a rule's.
        switch look.verdict {
        case .reject(let reason, _): #expect(reason == .notBeepLike)
        case .report, .watch, .deferToEnd: break
        }
    }
}
