public import FoundationEssentials

/// A trained beep classifier with everything needed to use it: the feature specification, the Gaussian NB
/// parameters, the class that means "beep", and the detector settings tuned with it.
///
/// This is the JSON file `amd-edge train` writes and `--model` reads (format `amd-edge-gaussian-nb`, version 1).
/// Decoding happens once per process, never on a per-sample path.
public struct BeepModel: Sendable, Hashable, Codable {
    /// Format name written in every model file.
    public static let formatName = "amd-edge-gaussian-nb"

    /// Always ``formatName``.
    public var format: String
    /// Format version; this build reads version 1.
    public var version: Int
    /// How feature vectors are built.
    public var features: FeatureSpecification
    /// The classifier.
    public var classifier: GaussianNB
    /// Classes that count as a tone (a beep, or a tone the signal rules then judge); others veto.
    public var tonalClasses: [String]
    /// Least log-odds of the tonal classes against the rest for a candidate to be reported.
    public var minTonalLogOdds: Double
    /// Detector settings tuned with this model.
    public var detector: BeepDetector.Configuration
    /// The judge of whole tone tracks; without it, the MFCC classifier's log-odds alone decide.
    public var trackClassifier: TrackClassifier?
    /// How the model was made (command, sample counts), for people; not read by the detector.
    public var training: [String: String]?

    /// Creates a model.
    public init(
        features: FeatureSpecification,
        classifier: GaussianNB,
        tonalClasses: [String],
        minTonalLogOdds: Double,
        detector: BeepDetector.Configuration = BeepDetector.Configuration(),
        trackClassifier: TrackClassifier? = nil,
        training: [String: String]? = nil
    ) {
        self.trackClassifier = trackClassifier
        format = Self.formatName
        version = 1
        self.features = features
        self.classifier = classifier
        self.tonalClasses = tonalClasses
        self.minTonalLogOdds = minTonalLogOdds
        self.detector = detector
        self.training = training
    }

    private enum CodingKeys: String, CodingKey {
        case format, version, features, classifier, detector, training
        case tonalClasses = "tonal_classes"
        case minTonalLogOdds = "min_tonal_log_odds"
        case trackClassifier = "track_classifier"
    }

    /// Reads and validates a model from JSON bytes.
    /// - Throws: ``ModelError`` naming the field at fault.
    public init(json: Data) throws(ModelError) {
        let model: BeepModel
        do {
            model = try JSONDecoder().decode(BeepModel.self, from: json)
        } catch let error as DecodingError {
            throw .malformed(Self.describe(error))
        } catch {
            throw .malformed("\(error)")
        }
        try model.validate()
        self = model
    }

    /// The model as pretty-printed JSON, keys sorted, as `amd-edge train` writes it.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Checks the whole model; the error names the first bad field.
    public func validate() throws(ModelError) {
        guard format == Self.formatName else {
            throw .unsupportedFormat("format is '\(format)', expected '\(Self.formatName)'")
        }
        guard version == 1 else { throw .unsupportedFormat("version \(version) is not supported (this build reads 1)") }
        try features.validate()
        try classifier.validate()
        let width = classifier.theta.first?.count ?? 0
        guard width == features.dimension else {
            throw .invalidField(
                field: "classifier.theta",
                reason: "has \(width) features per class but features describe \(features.dimension)"
            )
        }
        guard !tonalClasses.isEmpty else {
            throw .invalidField(field: "tonal_classes", reason: "must name at least one class")
        }
        for (index, name) in tonalClasses.enumerated() where !classifier.classes.contains(name) {
            throw .invalidField(field: "tonal_classes[\(index)]", reason: "'\(name)' is not a classifier class")
        }
        guard tonalClasses.count < classifier.classes.count else {
            throw .invalidField(field: "tonal_classes", reason: "must leave at least one class to veto")
        }
        guard minTonalLogOdds.isFinite else {
            throw .invalidField(field: "min_tonal_log_odds", reason: "must be a finite number")
        }
        try detector.validate()
        try trackClassifier?.validate(path: "track_classifier")
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            let field = path(context)
            return field.isEmpty ? context.debugDescription : "field '\(field)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
