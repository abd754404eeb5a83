/// Why a ``Resampler`` could not be created.
public enum ResamplerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input rate, in Hz, is outside ``Resampler/supportedRates`` (1000…384000 Hz).
    case unsupportedInputRate(Int)
    /// The output rate, in Hz, is outside ``Resampler/supportedRates`` (1000…384000 Hz).
    case unsupportedOutputRate(Int)
    /// The rates reduce to a ratio L/M with more than ``Resampler/maxPhases`` interpolation phases (L), so the
    /// polyphase filter bank would be too large; rates in Hz.
    case ratioTooFine(inputRate: Int, outputRate: Int, phases: Int)

    /// A one-line message naming the rates that cannot be resampled.
    public var description: String {
        switch self {
        case .unsupportedInputRate(let rate):
            "resampler input rate \(rate) Hz is outside \(Resampler.supportedRates) Hz"
        case .unsupportedOutputRate(let rate):
            "resampler output rate \(rate) Hz is outside \(Resampler.supportedRates) Hz"
        case .ratioTooFine(let inputRate, let outputRate, let phases):
            "resampling \(inputRate) Hz to \(outputRate) Hz needs \(phases) polyphase branches, more than "
                + "\(Resampler.maxPhases)"
        }
    }
}
