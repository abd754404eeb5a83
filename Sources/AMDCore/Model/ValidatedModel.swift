public import FoundationEssentials

/// A ``BeepModel`` that has passed ``BeepModel/validate()``: the only way to make one is to validate a model.
///
/// Validation walks the whole model (every Gaussian NB parameter and every node of the track classifier's trees),
/// which costs far more than setting up a detector. A process validates its model once, at start, and hands this
/// value to every ``StreamDetector`` and ``BeepDetector`` it makes, so opening a call costs only the detector's own
/// state however many calls arrive. Copying it copies a reference to the model's storage, not the model.
public struct ValidatedModel: Sendable, Hashable {
    /// The model, valid.
    public let model: BeepModel

    /// Validates `model`.
    /// - Throws: ``ModelError`` naming the first bad field.
    public init(_ model: BeepModel) throws(ModelError) {
        try model.validate()
        self.model = model
    }

    /// Reads and validates a model from JSON bytes (see ``BeepModel/init(json:)``).
    /// - Throws: ``ModelError`` naming the field at fault.
    public init(json: Data) throws(ModelError) {
        self.init(validated: try BeepModel(json: json))
    }

    /// Wraps a model that was just validated (``BeepModel/init(json:)`` validates what it decodes).
    init(validated model: BeepModel) {
        self.model = model
    }

    /// The shipped model (``BeepModel/default``), validated when it was decoded.
    public static let `default` = ValidatedModel(validated: .default)
}
