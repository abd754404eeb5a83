/// Why an audio file could not be read.
public enum AudioFileError: Error, Sendable, Hashable {
    /// The file is shorter than its headers say.
    case truncated(String)
}
