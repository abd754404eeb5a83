/// Why a ``VoiceActivityDetector`` configuration was rejected.
public enum VoiceActivityDetectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The frame length, in ms, is not 10, 20 or 30.
    case unsupportedFrameLength(frameMs: Int)
    /// The sample rate, in Hz, is outside 8000…48000 or does not give a whole number of samples per frame.
    case unsupportedSampleRate(Int)
    /// The ring (padding) length, in frames, is outside 1…1000.
    case invalidRingLength(frames: Int)
    /// A ratio (named) is outside 0 < ratio ≤ 1.
    case invalidRatio(name: String, value: Double)
    /// A level (named), in dB or dBFS or dB/s, is outside its range (stated in the message).
    case invalidLevel(name: String, value: Double, range: ClosedRange<Double>)

    /// A one-line message naming the setting and its allowed range.
    public var description: String {
        switch self {
        case .unsupportedFrameLength(let frameMs):
            "VAD frame length \(frameMs) ms is not 10, 20 or 30 ms"
        case .unsupportedSampleRate(let rate):
            "VAD sample rate \(rate) Hz is outside 8000…48000 Hz or gives a fractional frame"
        case .invalidRingLength(let frames):
            "VAD ring length \(frames) frames is outside 1…1000"
        case .invalidRatio(let name, let value):
            "VAD \(name) \(value) is outside (0, 1]"
        case .invalidLevel(let name, let value, let range):
            "VAD \(name) \(value) is outside \(range)"
        }
    }
}
