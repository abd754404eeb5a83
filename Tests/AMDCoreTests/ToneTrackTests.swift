import Foundation
import Testing

@testable import AMDCore

/// ``ToneTrack``: which frames continue a track, and the running statistics the detector judges it by.
struct ToneTrackTests {
    /// A tonal frame at `frequency` Hz, with an optional second tone, band level `levelDb` and purity `purity`.
    static func frame(
        _ frequency: Double, second: Double = 0, levelDb: Double = -20, purity: Double = 0.9
    )
        -> ToneFrame
    {
        var tone = ToneFrame()
        tone.isTonal = true
        tone.frequencyHz = frequency
        tone.secondFrequencyHz = second
        tone.bandEnergyDb = levelDb
        tone.purity = purity
        return tone
    }

    /// A track over consecutive frames from `first`, one per entry of `tones`.
    static func track(_ tones: [ToneFrame], first: Int64 = 100) -> ToneTrack {
        var track = ToneTrack(frame: first, tone: tones[0])
        for (offset, tone) in tones.enumerated().dropFirst() { track.add(frame: first + Int64(offset), tone: tone) }
        return track
    }

    @Test func aSteadyToneHasItsFrequencyAndNoSpreadOrGlide() {
        let track = Self.track([ToneFrame](repeating: Self.frame(1000), count: 10))
        #expect(track.meanFrequencyHz == 1000)
        #expect(track.frequencySpreadHz == 0)
        #expect(track.relativeSlopePerFrame == 0)
        #expect(track.tonalFrames == 10)
        #expect(track.firstFrame == 100 && track.lastFrame == 109 && track.spanFrames == 10)
        #expect(track.sequenceStart == 100)
        #expect(track.state == .building)
    }

    @Test func theFirstFrameSetsTheStartButNotTheFrequency() {
        // The onset frame's window holds what came before too: its frequency is left out once there are more.
        let alone = Self.track([Self.frame(900)])
        #expect(alone.meanFrequencyHz == 900)
        let track = Self.track([Self.frame(900)] + [ToneFrame](repeating: Self.frame(1000), count: 5))
        #expect(track.meanFrequencyHz == 1000)
        #expect(track.firstFrame == 100)
    }

    @Test func aSweepHasASlopeButNoSpread() {
        // 1000 Hz rising 5 Hz a frame: on its trend line throughout.
        let track = Self.track((0..<21).map { Self.frame(1000 + 5 * Double($0)) })
        #expect(abs(track.frequencySpreadHz) < 1e-6)
        #expect(abs(track.relativeSlopePerFrame - 5 / track.meanFrequencyHz) < 1e-9)
        #expect(abs(track.meanFrequencyHz - 1052.5) < 1e-9)
    }

    @Test func aSweepHasNoJitterButAJitteryToneHas() {
        // A steady sweep steps the same every frame: no jitter, however fast it glides.
        let sweep = Self.track((0..<21).map { Self.frame(1000 + 5 * Double($0)) })
        #expect(abs(sweep.jitterPermille) < 1e-9)
        // ±2 Hz around 500 Hz, frame by frame: steps of 4 Hz, 8 ‰ of the frequency, with no glide to net out.
        let jittery = Self.track((0..<22).map { Self.frame($0 % 2 == 0 ? 498 : 502) })
        #expect(abs(jittery.jitterPermille - 8) < 0.1, "jitter \(jittery.jitterPermille)")
        // A gap between frames is not a step.
        var gapped = Self.track([Self.frame(500), Self.frame(500), Self.frame(500)])
        gapped.add(frame: 110, tone: Self.frame(520))
        #expect(gapped.jitterPermille == 0)
    }

    @Test func aWanderingToneSpreads() {
        // ±20 Hz around 600 Hz, frame by frame: no trend, a spread of 20 Hz.
        let track = Self.track((0..<21).map { Self.frame($0 % 2 == 0 ? 580 : 620) })
        #expect(abs(track.frequencySpreadHz - 20) < 0.5, "spread \(track.frequencySpreadHz)")
        #expect(abs(track.relativeSlopePerFrame) < 0.001)
    }

    @Test func fewerThanThreeFramesHaveNoSpreadOrSlope() {
        let track = Self.track([Self.frame(500), Self.frame(520), Self.frame(560)])
        #expect(track.frequencySpreadHz == 0)
        #expect(track.relativeSlopePerFrame == 0)
    }

    @Test(arguments: [(400.0, 424.0, true), (400.0, 426.0, false), (2000.0, 2059.0, true), (2000.0, 2061.0, false)])
    func aFrameContinuesWithinThreePercentOrTwentyFiveHertz(last: Double, next: Double, continues: Bool) {
        let track = Self.track([Self.frame(last)])
        #expect(track.continues(with: Self.frame(next)) == continues)
        // Two tones of a similar level trade places: the second one may be the one that continues the track.
        #expect(track.continues(with: Self.frame(3000, second: next)) == continues)
    }

    @Test func twoTradingTonesAreFollowedByTheOneTheTrackIsOn() {
        let track = Self.track([
            Self.frame(800, second: 1250), Self.frame(1250, second: 800), Self.frame(800, second: 1250),
            Self.frame(1250, second: 800), Self.frame(800, second: 1250),
        ])
        #expect(track.meanFrequencyHz == 800)
        #expect(track.lastFrequencyHz == 800)
        #expect(track.secondFrequencyHz == 1250)
        #expect(track.frequencySpreadHz == 0)
    }

    @Test func aSecondToneCountsOnlyWhenPresentInMostFrames() {
        let rare = Self.track([Self.frame(800, second: 1250), Self.frame(800), Self.frame(800), Self.frame(800)])
        #expect(rare.secondFrequencyHz == 0)
        let most = Self.track([
            Self.frame(800, second: 1240), Self.frame(800, second: 1260), Self.frame(800, second: 1250),
            Self.frame(800),
        ])
        #expect(most.secondFrequencyHz == 1250)
    }

    @Test func levelsAndPurityAreAveragedOverTonalFrames() {
        let track = Self.track([
            Self.frame(1000, levelDb: -10, purity: 1.0), Self.frame(1000, levelDb: -20, purity: 0.8),
            Self.frame(1000, levelDb: -30, purity: 0.6),
        ])
        #expect(abs(track.meanLevelDb - -20) < 1e-9)
        #expect(abs(track.meanPurity - 0.8) < 1e-9)
    }

    @Test func aSteadyOrDecayingLevelDoesNotWobbleButBeatingDoes() {
        let steady = Self.track([ToneFrame](repeating: Self.frame(1000, levelDb: -18), count: 12))
        #expect(steady.levelWobbleDb == 0)
        let decaying = Self.track((0..<12).map { Self.frame(1000, levelDb: -18 - 0.5 * Double($0)) })
        #expect(abs(decaying.levelWobbleDb) < 1e-9)
        // Two close tones beat: the level swings 6 dB from frame to frame.
        let beating = Self.track((0..<12).map { Self.frame(1000, levelDb: $0 % 2 == 0 ? -18 : -24) })
        #expect(beating.levelWobbleDb > 5, "wobble \(beating.levelWobbleDb)")
    }

    @Test func levelStepsCountOnlyBetweenConsecutiveObservedFrames() {
        // Non-tonal frames inside the track (a click, a lost packet) are observed for their level; a frame that was
        // not observed breaks the chain, so the step across it is not counted.
        var track = Self.track([Self.frame(1000, levelDb: -18), Self.frame(1000, levelDb: -18)])
        track.observe(frame: 102, energyDb: -40)
        track.add(frame: 103, tone: Self.frame(1000, levelDb: -18))
        #expect(track.levelWobbleDb > 10, "wobble \(track.levelWobbleDb)")
        var gapped = Self.track([Self.frame(1000, levelDb: -18), Self.frame(1000, levelDb: -18)])
        gapped.add(frame: 104, tone: Self.frame(1000, levelDb: -40))
        gapped.add(frame: 105, tone: Self.frame(1000, levelDb: -40))
        #expect(gapped.levelWobbleDb == 0)
        #expect(gapped.spanFrames == 6 && gapped.tonalFrames == 4)
    }

    /// `count` frequencies around `centerHz` as a low-rate codec leaves a steady tone: each frame's frequency is the
    /// step between two jittered phases (uniform, up to ±`jitterHz` in frequency units), so consecutive errors
    /// cancel. Deterministic.
    static func codecScatter(count: Int, around centerHz: Double, jitterHz: Double = 9) -> [Double] {
        var state: UInt32 = 12_345
        func phase() -> Double {
            state = state &* 1_664_525 &+ 1_013_904_223
            return (Double(state) / Double(UInt32.max) * 2 - 1) * jitterHz
        }
        var previous = phase()
        return (0..<count).map { _ in
            let next = phase()
            defer { previous = next }
            return centerHz + next - previous
        }
    }

    /// 28 frequencies around `centerHz` that rise and fall by ±9 Hz over 200 ms, as a voice's pitch does between
    /// syllables.
    static func wanderingPitch(around centerHz: Double) -> [Double] {
        (0..<28).map { (frame: Int) -> Double in
            let cycle = 2 * Double.pi * Double(frame) / 20
            return centerHz + 9 * sin(cycle)
        }
    }

    @Test func theSmoothedSpreadAveragesOutACodecsScatter() {
        let track = Self.track(Self.codecScatter(count: 28, around: 1200).map { Self.frame($0) })
        #expect(track.frequencySpreadHz > 5, "raw spread \(track.frequencySpreadHz) Hz")
        #expect(track.smoothedSpreadHz < 1.5, "smoothed spread \(track.smoothedSpreadHz) Hz")
    }

    @Test func theSmoothedSpreadKeepsAWanderingPitch() {
        let track = Self.track(Self.wanderingPitch(around: 1200).map { Self.frame($0) })
        #expect(track.smoothedSpreadHz > 3, "smoothed spread \(track.smoothedSpreadHz) Hz")
    }

    @Test func theSmoothedSpreadIsUnknownUntilThreeAveragesExist() {
        // The first frame is left out of the statistics: 10 frames give 9 frequencies, 2 averages of 8.
        let short = Self.track([ToneFrame](repeating: Self.frame(1000), count: 10))
        #expect(short.smoothedSpreadHz == .infinity)
        let longer = Self.track([ToneFrame](repeating: Self.frame(1000), count: 11))
        #expect(longer.smoothedSpreadHz == 0)
    }
}
