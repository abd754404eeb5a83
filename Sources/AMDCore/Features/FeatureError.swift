/// Why a feature-extraction block (``RealFFT``, ``MelFilterbank``, ``MFCC``) could not be built.
///
/// Every case names the offending input, so a bad model file or command-line option can be reported as is.
public enum FeatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The FFT size (samples) is not a power of two in ``RealFFT/supportedSizes``.
    case unsupportedFFTSize(Int)
    /// A configuration field is out of range; `field` is its snake_case key (`"n_fft"`, `"fmax"`, …) and `reason`
    /// says what was wrong and what the value was.
    case invalidConfiguration(field: String, reason: String)

    /// A one-line message naming the input and the fault.
    public var description: String {
        switch self {
        case .unsupportedFFTSize(let size):
            "FFT size \(size) is not supported: it must be a power of two in "
                + "\(RealFFT.supportedSizes.lowerBound)...\(RealFFT.supportedSizes.upperBound) samples"
        case .invalidConfiguration(let field, let reason):
            "features.\(field) \(reason)"
        }
    }
}
