import AMDServer
import Testing

/// The frames an overrun lost, from the time between starts and the frames read between them.
struct ALSAStreamClockTests {
    static let second: UInt64 = 1_000_000_000

    @Test func framesNotReadBetweenTwoStartsAreLost() {
        var clock = ALSAStreamClock(sampleRate: 16000)
        #expect(clock.started(atNs: 5 * Self.second) == 0, "nothing is lost before the first start")
        // 2 s of capture, 1.5 s of it read before the overrun: the other 0.5 s (the dropped buffer and the time the
        // device stood stopped) is lost.
        clock.read(frames: 16000)
        clock.read(frames: 8000)
        #expect(clock.started(atNs: 7 * Self.second) == 8000)
        // The count starts again at each start.
        clock.read(frames: 4000)
        #expect(clock.started(atNs: 7 * Self.second + Self.second / 2) == 4000)
    }

    @Test func aDeviceFasterThanTheClockLosesNothing() {
        // libasound's file plugin on a null slave has no clock and delivers faster than real time.
        var clock = ALSAStreamClock(sampleRate: 8000)
        _ = clock.started(atNs: Self.second)
        clock.read(frames: 80_000)
        #expect(clock.started(atNs: 2 * Self.second) == 0)
        #expect(clock.started(atNs: Self.second) == 0, "a clock going backwards loses nothing")
    }
}
