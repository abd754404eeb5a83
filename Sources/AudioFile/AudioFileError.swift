/// Why audio bytes could not be read as a file of a supported kind.
public enum AudioFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes do not start with a RIFF/WAVE header.
    case notWAV
    /// A required chunk (`fmt ` or `data`) is missing.
    case missingChunk(String)
    /// The file ends before a header or chunk it declares (the byte offset where it ran out).
    case truncated(atByte: Int)
    /// The WAV format tag or sample size is not one the detector reads (16-bit PCM, 8-bit µ-law or A-law).
    case unsupportedEncoding(formatTag: Int, bitsPerSample: Int)
    /// The sample rate or channel count is outside what the detector reads.
    case unsupportedLayout(sampleRate: Int, channels: Int)
    /// Raw audio whose byte count is not a whole number of samples.
    case partialSample(byteCount: Int, bytesPerSample: Int)

    /// A one-line message saying what is wrong with the file.
    public var description: String {
        switch self {
        case .notWAV: "not a WAV file (no RIFF/WAVE header)"
        case .missingChunk(let id): "WAV file has no '\(id)' chunk"
        case .truncated(let offset): "file is truncated at byte \(offset)"
        case .unsupportedEncoding(let tag, let bits):
            "unsupported WAV encoding: format tag \(tag), \(bits) bits per sample "
                + "(supported: PCM 16-bit, µ-law (7) and A-law (6) 8-bit)"
        case .unsupportedLayout(let rate, let channels):
            "unsupported layout: \(rate) Hz, \(channels) channels (supported: 8000–48000 Hz, 1–8 channels)"
        case .partialSample(let count, let size):
            "raw audio of \(count) bytes is not a whole number of \(size)-byte samples"
        }
    }
}
