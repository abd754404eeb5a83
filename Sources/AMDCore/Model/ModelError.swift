/// Why a classifier could not be trained or a model file is unusable.
///
/// Every case names the input at fault; ``invalidField(field:reason:)`` gives the JSON path inside a model file.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``GaussianNB/fit(features:labels:varSmoothing:)`` was given no samples.
    case noSamples
    /// ``GaussianNB/fit(features:labels:varSmoothing:)`` was given different numbers of feature rows and labels.
    case labelCountMismatch(samples: Int, labels: Int)
    /// A training row's length differs from the first row's (`row` is its index; lengths in features).
    case featureCountMismatch(row: Int, expected: Int, actual: Int)
    /// A training feature is NaN or infinite (`row`, `column` index the value).
    case nonFiniteFeature(row: Int, column: Int)
    /// A model field is missing, of the wrong shape or out of range; `field` is its JSON path
    /// (`"classifier.var[1][3]"`) and `reason` says what was wrong and the value found.
    case invalidField(field: String, reason: String)
    /// The bytes are not valid JSON, a field is missing or has the wrong type; the message names the field.
    case malformed(String)
    /// The `format` or `version` field names a model this build cannot read.
    case unsupportedFormat(String)
    /// Training data that cannot make a model (a class with no samples, a tonal class missing).
    case invalidTrainingData(String)

    /// A one-line message naming the input and the fault, e.g. `classifier.var[1][3] must be > 0, is -0.5`.
    public var description: String {
        switch self {
        case .noSamples:
            "training data has no samples"
        case .labelCountMismatch(let samples, let labels):
            "training data has \(samples) feature rows but \(labels) labels"
        case .featureCountMismatch(let row, let expected, let actual):
            "training row \(row) has \(actual) features, expected \(expected) like row 0"
        case .nonFiniteFeature(let row, let column):
            "training feature [\(row)][\(column)] is not a finite number"
        case .invalidField(let field, let reason):
            "\(field) \(reason)"
        case .malformed(let message):
            "model is not valid: \(message)"
        case .unsupportedFormat(let message):
            "unsupported model: \(message)"
        case .invalidTrainingData(let message):
            "cannot train: \(message)"
        }
    }
}
