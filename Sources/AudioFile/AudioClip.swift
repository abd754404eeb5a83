public import AMDCore

/// Mono audio read from a file, still in its encoding: what ``StreamDetector`` consumes.
public struct AudioClip: Sendable {
    /// How ``data`` is encoded.
    public var encoding: AudioEncoding
    /// Samples per second, in Hz.
    public var sampleRate: Int
    /// The encoded samples of the first channel (µ-law/A-law bytes, or little-endian 16-bit pairs).
    public var data: [UInt8]

    /// Creates a clip from encoded mono samples.
    public init(encoding: AudioEncoding, sampleRate: Int, data: [UInt8]) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.data = data
    }

    /// Number of samples in the clip.
    public var sampleCount: Int { data.count / encoding.bytesPerSample }

    /// Duration in milliseconds.
    public var durationMs: Int64 { Int64(sampleCount) * 1000 / Int64(sampleRate) }

    /// Reads headerless audio: the caller says the encoding and rate.
    /// - Throws: ``AudioFileError/partialSample(byteCount:bytesPerSample:)`` when the bytes hold a partial sample,
    ///   ``AudioFileError/unsupportedLayout(sampleRate:channels:)`` for a rate outside 8–48 kHz.
    public init(raw bytes: [UInt8], encoding: AudioEncoding, sampleRate: Int) throws(AudioFileError) {
        guard AudioClip.supportedRates.contains(sampleRate) else {
            throw .unsupportedLayout(sampleRate: sampleRate, channels: 1)
        }
        guard bytes.count % encoding.bytesPerSample == 0 else {
            throw .partialSample(byteCount: bytes.count, bytesPerSample: encoding.bytesPerSample)
        }
        self.init(encoding: encoding, sampleRate: sampleRate, data: bytes)
    }

    /// Sample rates the pipeline resamples to 16 kHz, in Hz.
    public static let supportedRates: Set<Int> = [8000, 11025, 16000, 22050, 32000, 44100, 48000]
}
