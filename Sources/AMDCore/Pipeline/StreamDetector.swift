/// One call's detection pipeline: decode (G.711 or linear), resample to 16 kHz, detect beeps.
///
/// Every ingress (RTP, websocket, ALSA, files) feeds its audio through one of these, so the same audio yields the
/// same events whatever carried it. State has a fixed size set at creation; nothing grows with call length.
public struct StreamDetector: Sendable {
    /// The encoding of the bytes given to ``process(_:onEvent:)``.
    public let encoding: AudioEncoding
    /// The input sample rate, in Hz.
    public let sampleRate: Int
    /// Input samples consumed so far (audio and silence).
    public private(set) var inputSamples: Int64 = 0

    /// Creates a pipeline for a stream.
    /// - Parameters:
    ///   - encoding: how the bytes are encoded.
    ///   - sampleRate: the input rate in Hz (8000 for G.711; 8000, 16000, 44100 or 48000 for linear PCM).
    public init(encoding: AudioEncoding, sampleRate: Int) {
        self.encoding = encoding
        self.sampleRate = sampleRate
    }

    /// Stream time consumed so far, in milliseconds.
    public var streamTimeMs: Int64 { inputSamples * 1000 / Int64(sampleRate) }

    /// Feeds encoded bytes (whole samples); calls `onEvent` for each beep found.
    public mutating func process(_ bytes: UnsafeRawBufferPointer, onEvent: (BeepEvent) -> Void) {
        // WIP skeleton: the real pipeline lands with the detector.
        inputSamples += Int64(bytes.count / encoding.bytesPerSample)
    }

    /// Advances stream time by `sampleCount` input samples of silence (lost packets, comfort noise, gaps).
    public mutating func processSilence(sampleCount: Int, onEvent: (BeepEvent) -> Void) {
        inputSamples += Int64(sampleCount)
    }
}
