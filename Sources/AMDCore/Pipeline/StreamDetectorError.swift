/// Why a stream's pipeline could not be set up.
public enum StreamDetectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input rate cannot be resampled to the model's rate.
    case unsupportedSampleRate(Int)
    /// The model is invalid (the message names the field).
    case model(ModelError)

    /// A one-line message saying why the pipeline could not be set up.
    public var description: String {
        switch self {
        case .unsupportedSampleRate(let rate): "sample rate \(rate) Hz is not supported"
        case .model(let error): error.description
        }
    }
}
