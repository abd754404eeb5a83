import Testing

@testable import AMDCore

/// ``FrameClock``: milliseconds to frames and back, truncating as the detector's settings expect.
struct FrameClockTests {
    @Test func tenMillisecondFramesAtSixteenKilohertz() {
        let clock = FrameClock(hopSamples: 160, sampleRateHz: 16_000)
        #expect(clock.frames(ms: 100) == 10)
        #expect(clock.frames(ms: 2000) == 200)
        #expect(clock.milliseconds(frame: 7) == 70)
        #expect(clock.samples(frames: 3) == 480)
    }

    @Test func partsOfAFrameAreDropped() {
        let clock = FrameClock(hopSamples: 160, sampleRateHz: 16_000)
        #expect(clock.frames(ms: 19) == 1)
        #expect(clock.frames(ms: 9) == 0)
        let coarse = FrameClock(hopSamples: 480, sampleRateHz: 16_000)  // 30 ms frames
        #expect(coarse.frames(ms: 100) == 3)
        #expect(coarse.milliseconds(frame: 3) == 90)
    }
}
