public import AMDCore
public import AudioFile

/// Why an offline command could not process an input; the message names the file and the fault.
public enum OfflineError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read (missing, unreadable, a directory).
    case unreadable(path: String, reason: String)
    /// The file is not audio the detector reads.
    case badAudio(path: String, AudioFileError)
    /// The audio's rate or the model cannot make a pipeline.
    case pipeline(path: String, StreamDetectorError)
    /// A manifest or label list line is malformed (1-based line number).
    case badManifest(path: String, line: Int, reason: String)
    /// The model file is invalid.
    case badModel(path: String, ModelError)
    /// A capture file could not be parsed.
    case badCapture(path: String, reason: String)

    /// A one-line message naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .badAudio(let path, let error): "\(path): \(error)"
        case .pipeline(let path, let error): "\(path): \(error)"
        case .badManifest(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .badModel(let path, let error): "\(path): \(error)"
        case .badCapture(let path, let reason): "\(path): \(reason)"
        }
    }
}
