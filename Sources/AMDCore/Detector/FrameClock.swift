/// Converts between stream time in milliseconds and the detector's frame indices, one frame per hop.
///
/// Integer arithmetic throughout, truncating, so every part of the detector turns a setting in milliseconds into
/// the same number of frames.
struct FrameClock: Sendable, Hashable {
    /// Samples between the ends of consecutive frames (the MFCC hop length).
    let hopSamples: Int64
    /// The detector's sample rate, in Hz.
    let sampleRateHz: Int64

    private static let millisecondsPerSecond: Int64 = 1000

    /// Creates the clock of frames `hopSamples` samples apart at `sampleRateHz`.
    init(hopSamples: Int, sampleRateHz: Int) {
        self.hopSamples = Int64(hopSamples)
        self.sampleRateHz = Int64(sampleRateHz)
    }

    /// Whole frames in `ms` milliseconds (rounded down).
    func frames(ms: Int) -> Int64 { Int64(ms) * sampleRateHz / Self.millisecondsPerSecond / hopSamples }

    /// Stream time of the end of frame `frame`, in milliseconds (rounded down).
    func milliseconds(frame: Int64) -> Int64 { frame * hopSamples * Self.millisecondsPerSecond / sampleRateHz }

    /// Samples in `frames` frames.
    func samples(frames: Int64) -> Int64 { frames * hopSamples }
}
