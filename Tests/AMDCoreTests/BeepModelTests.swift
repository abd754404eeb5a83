import AMDCore
import Foundation
import Testing

/// `BeepModel`: the shipped model, JSON round trips, and a `ModelError` naming the field for every kind of fault.
struct BeepModelTests {
    /// `Models/default-model.json`, found from this file's path (Tests/AMDCoreTests/BeepModelTests.swift).
    private static let defaultModelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/default-model.json")

    /// The default model's JSON as nested dictionaries, edited by `edit`, serialized again.
    private func editedJSON(_ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: try BeepModel.default.jsonData())
        var json = try #require(object as? [String: Any])
        try edit(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    /// Edits one object member of the model (`features`, `classifier`, `detector`).
    private func editedJSON(_ member: String, _ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        try editedJSON { json in
            var inner = try #require(json[member] as? [String: Any])
            try edit(&inner)
            json[member] = inner
        }
    }

    /// The error decoding `data` gives, or nil when it decodes.
    private func modelError(_ data: Data) -> ModelError? {
        do {
            _ = try BeepModel(json: data)
            return nil
        } catch {
            return error
        }
    }

    /// The message of a `malformed` error decoding `data`; throws for any other outcome.
    private func malformedMessage(_ data: Data) throws -> String {
        let error = modelError(data)
        guard case .malformed(let message) = error else { throw UnexpectedOutcome(expected: "malformed", got: error) }
        return message
    }

    /// The field and reason of an `invalidField` error decoding `data`; throws for any other outcome.
    private func invalidField(_ data: Data) throws -> (field: String, reason: String) {
        let error = modelError(data)
        guard case .invalidField(let field, let reason) = error else {
            throw UnexpectedOutcome(expected: "invalidField", got: error)
        }
        return (field, reason)
    }

    private struct UnexpectedOutcome: Error, CustomStringConvertible {
        var expected: String
        var got: ModelError?
        var description: String { "expected \(expected), got \(got.map { "\($0)" } ?? "no error")" }
    }

    // MARK: the shipped model

    @Test func defaultModelValidates() throws {
        let model = BeepModel.default
        try model.validate()
        #expect(model.format == BeepModel.formatName)
        #expect(model.version == 1)
        #expect(model.classifier.classes.contains("beep"))
        #expect(model.tonalClasses.allSatisfy(model.classifier.classes.contains))
        #expect(model.classifier.featureCount == model.features.dimension)
    }

    @Test func embeddedModelIsTheModelFile() throws {
        let file = try BeepModel(json: try Data(contentsOf: Self.defaultModelPath))
        #expect(file == BeepModel.default)
    }

    @Test func modelRoundTripsThroughJSON() throws {
        let model = BeepModel.default
        let data = try model.jsonData()
        #expect(try BeepModel(json: data) == model)
        // A changed model round-trips too, changes included.
        var changed = model
        changed.minTonalLogOdds = -3.25
        changed.detector.confirmFrames = 12
        changed.training = ["command": "amd-edge train --data x", "clips": "3"]
        let decoded = try BeepModel(json: try changed.jsonData())
        #expect(decoded == changed)
        #expect(decoded != model)
        // Keys are written sorted, as the shipped file is.
        let text = String(decoding: data, as: UTF8.self)
        let classifier = try #require(text.range(of: "\"classifier\""))
        let detector = try #require(text.range(of: "\"detector\""))
        #expect(classifier.lowerBound < detector.lowerBound)
    }

    // MARK: malformed JSON

    @Test func notJSONIsMalformed() throws {
        let data = Data("this is not json".utf8)
        #expect(try !malformedMessage(data).isEmpty)
        #expect(modelError(data)?.description.hasPrefix("model is not valid: ") == true)
    }

    @Test func missingClassifierIsNamed() throws {
        let error = modelError(try editedJSON { $0["classifier"] = nil })
        #expect(error == .malformed("missing field 'classifier'"))
    }

    @Test func missingNestedFieldIsNamedWithItsPath() throws {
        let error = modelError(try editedJSON("classifier") { $0["theta"] = nil })
        #expect(error == .malformed("missing field 'classifier.theta'"))
    }

    @Test func wrongTypeNamesTheField() throws {
        let message = try malformedMessage(try editedJSON("features") { $0["n_fft"] = "512" })
        #expect(message.hasPrefix("field 'features.n_fft'"), "\(message)")
    }

    @Test func wrongTypeInsideAnArrayNamesTheIndex() throws {
        let message = try malformedMessage(
            try editedJSON("classifier") { classifier in
                var prior = try #require(classifier["class_prior"] as? [Any])
                prior[2] = "x"
                classifier["class_prior"] = prior
            })
        #expect(message.contains("classifier.class_prior[2]"), "\(message)")
    }

    // MARK: invalid values

    @Test func zeroVarianceIsNamed() throws {
        let error = modelError(
            try editedJSON("classifier") { classifier in
                var variance = try #require(classifier["var"] as? [[Double]])
                variance[1][3] = 0
                classifier["var"] = variance
            })
        #expect(error == .invalidField(field: "classifier.var[1][3]", reason: "must be > 0, is 0.0"))
        #expect(error?.description == "classifier.var[1][3] must be > 0, is 0.0")
    }

    @Test func thetaWidthMustMatchTheFeatures() throws {
        let model = BeepModel.default
        // n_mfcc 19 × 2 statistics = 38 features, but the classifier has 40.
        let error = modelError(try editedJSON("features") { $0["n_mfcc"] = 19 })
        #expect(
            error
                == .invalidField(
                    field: "classifier.theta",
                    reason: "has \(model.classifier.featureCount) features per class but features describe 38"))
        let (field, _) = try invalidField(try editedJSON("features") { $0["statistics"] = ["mean"] })
        #expect(field == "classifier.theta")
    }

    @Test func unknownStatisticIsNamed() throws {
        let (field, reason) = try invalidField(try editedJSON("features") { $0["statistics"] = ["mean", "median"] })
        #expect(field == "features.statistics[1]")
        #expect(reason.contains("'median'"))
    }

    @Test func badFrontEndValueIsNamed() throws {
        let (field, reason) = try invalidField(try editedJSON("features") { $0["n_fft"] = 500 })
        #expect(field == "features")
        #expect(reason.contains("n_fft"))
        let (contextField, _) = try invalidField(try editedJSON("features") { $0["context_frames"] = 1 })
        #expect(contextField == "features.context_frames")
    }

    @Test func tonalClassMustBeAClass() throws {
        let error = modelError(try editedJSON { $0["tonal_classes"] = ["beep", "whistle"] })
        #expect(error == .invalidField(field: "tonal_classes[1]", reason: "'whistle' is not a classifier class"))
        let (field, _) = try invalidField(try editedJSON { $0["tonal_classes"] = [String]() })
        #expect(field == "tonal_classes")
        let all = modelError(try editedJSON { $0["tonal_classes"] = BeepModel.default.classifier.classes })
        #expect(all == .invalidField(field: "tonal_classes", reason: "must leave at least one class to veto"))
    }

    @Test func wrongFormatIsUnsupported() throws {
        let error = modelError(try editedJSON { $0["format"] = "sklearn-pickle" })
        #expect(error == .unsupportedFormat("format is 'sklearn-pickle', expected 'amd-edge-gaussian-nb'"))
        #expect(error?.description.contains("sklearn-pickle") == true)
    }

    @Test func versionTwoIsUnsupported() throws {
        let error = modelError(try editedJSON { $0["version"] = 2 })
        #expect(error == .unsupportedFormat("version 2 is not supported (this build reads 1)"))
    }

    @Test(arguments: [
        ("confirm_frames", 1), ("confirm_frames", 101), ("max_frequency_spread", 0), ("watch_frames", 8),
        ("max_beep_ms", 50), ("clear_purity", 1.5), ("ringback_min_ms", 20_000), ("max_slope", 0),
        ("max_noisy_frequency_spread", 1), ("max_smoothed_frequency_spread", -0.5),
        ("min_noisy_frequency_spread_hz", 500), ("min_smoothed_frequency_spread_hz", -1),
    ])
    func detectorFieldOutOfRangeIsNamed(key: String, value: Double) throws {
        // Whole values as JSON integers (the integer fields reject 1.0), others as decimals.
        let json: Any = value.rounded() == value ? Int(value) : value
        let (field, reason) = try invalidField(try editedJSON("detector") { $0[key] = json })
        #expect(field == "detector.\(key)")
        #expect(reason.hasPrefix("must be "))
    }

    @Test func toneThresholdsAreChecked() throws {
        let error = modelError(
            try editedJSON("detector") { detector in
                var tone = try #require(detector["tone"] as? [String: Any])
                tone["minFrequencyHz"] = 3000
                detector["tone"] = tone
            })
        #expect(
            error == .invalidField(field: "detector.tone", reason: "must be with min_frequency_hz < max_frequency_hz"))
    }

    // MARK: detector defaults

    @Test func missingDetectorKeysTakeDefaults() throws {
        let partial = try BeepModel(
            json: try editedJSON { $0["detector"] = ["confirm_frames": 11, "refractory_ms": 2500] })
        var expected = BeepDetector.Configuration()
        expected.confirmFrames = 11
        expected.refractoryMs = 2500
        #expect(partial.detector == expected)

        let empty = try BeepModel(json: try editedJSON { $0["detector"] = [String: Any]() })
        #expect(empty.detector == BeepDetector.Configuration())
    }

    @Test func theShippedModelConfirmsWatchesAndAllowsScatterAsTheDefaults() {
        let shipped = BeepModel.default.detector
        let defaults = BeepDetector.Configuration()
        #expect(shipped.watchFrames == defaults.watchFrames)
        #expect(shipped.confirmFrames == defaults.confirmFrames)
        #expect(shipped.maxNoisyFrequencySpread == defaults.maxNoisyFrequencySpread)
        #expect(shipped.minNoisyFrequencySpreadHz == defaults.minNoisyFrequencySpreadHz)
        #expect(shipped.maxSmoothedFrequencySpread == defaults.maxSmoothedFrequencySpread)
        #expect(shipped.minSmoothedFrequencySpreadHz == defaults.minSmoothedFrequencySpreadHz)
    }

    @Test func defaultConfigurationValidates() throws {
        try BeepDetector.Configuration().validate()
    }
}
