/// How much audio a capture device lost while it was stopped by an overrun, from the monotonic clock.
///
/// A device captures from the moment it is started; the frames it captured up to a moment are the time since its
/// start times its rate. When the reader falls behind, the device stops (overrun, `-EPIPE`), the frames still in its
/// buffer are dropped by `snd_pcm_prepare`, and nothing is captured until it is started again. So at a restart the
/// frames lost are the time from the previous start to this one, in frames, less the frames read in between. The
/// capture counts them as lost stream time, so the calls' event times stay on the line's own clock.
///
/// A value owned by the capture's thread: it is told of each start and each read, and answers the loss at a start.
package struct ALSAStreamClock: Sendable {
    /// The device's rate, in Hz.
    package let sampleRate: Int
    /// When the device was last started, in monotonic nanoseconds; `nil` before the first start.
    private var startedNs: UInt64?
    /// Frames read since that start.
    private var framesSinceStart: Int64 = 0

    /// A clock for a device running at `sampleRate` Hz.
    package init(sampleRate: Int) {
        self.sampleRate = sampleRate
    }

    /// Notes that the device was started (again) at `nowNs` and returns the frames lost since the previous start
    /// that were never read: 0 at the first start, and never negative (a device that ran slower than the clock
    /// lost nothing).
    package mutating func started(atNs nowNs: UInt64) -> Int64 {
        defer {
            startedNs = nowNs
            framesSinceStart = 0
        }
        guard let previous = startedNs, nowNs > previous else { return 0 }
        let elapsedFrames = Int64((Double(nowNs - previous) * Double(sampleRate) / 1e9).rounded())
        return max(0, elapsedFrames - framesSinceStart)
    }

    /// Notes `frames` frames read.
    package mutating func read(frames: Int) {
        framesSinceStart += Int64(frames)
    }
}
