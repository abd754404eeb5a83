import Foundation
import Testing

@testable import AMDCore

/// `ValidatedModel`: made only by validating, refused with the validation's reason, and taken by the detectors as is.
struct ValidatedModelTests {
    /// The shipped model with a field only validation reads (the format name) set wrong.
    private static var wrongFormat: BeepModel {
        var model = BeepModel.default
        model.format = "sklearn-pickle"
        return model
    }
    private static let wrongFormatError = ModelError.unsupportedFormat(
        "format is 'sklearn-pickle', expected 'amd-edge-gaussian-nb'")

    @Test func invalidModelIsRefusedWithItsReason() {
        var model = BeepModel.default
        model.minTonalLogOdds = .nan
        let reason = ModelError.invalidField(field: "min_tonal_log_odds", reason: "must be a finite number")
        #expect(throws: reason) { try ValidatedModel(model) }
        #expect(throws: Self.wrongFormatError) { try ValidatedModel(Self.wrongFormat) }
    }

    @Test func jsonIsDecodedAndValidated() throws {
        let validated = try ValidatedModel(json: try BeepModel.default.jsonData())
        #expect(validated == .default)
        #expect(validated.model == BeepModel.default)
        var bad = BeepModel.default
        bad.tonalClasses = ["beep", "whistle"]
        #expect(
            throws: ModelError.invalidField(field: "tonal_classes[1]", reason: "'whistle' is not a classifier class")
        ) {
            try ValidatedModel(json: try bad.jsonData())
        }
    }

    @Test func detectorsGivenAPlainModelStillValidateIt() {
        #expect(throws: Self.wrongFormatError) { try BeepDetector(model: Self.wrongFormat) }
        #expect(throws: StreamDetectorError.model(Self.wrongFormatError)) {
            try StreamDetector(encoding: .muLaw, sampleRate: 8000, model: Self.wrongFormat)
        }
    }

    /// A model wrapped without validation (only this module can) that validation would refuse: the detectors take it,
    /// so opening a call with a validated model does not validate it again.
    @Test func detectorsGivenAValidatedModelDoNotValidateAgain() throws {
        let unchecked = ValidatedModel(validated: Self.wrongFormat)
        let detector = try BeepDetector(validated: unchecked)
        #expect(detector.model.format == "sklearn-pickle")
        var stream = try StreamDetector(encoding: .muLaw, sampleRate: 8000, validated: unchecked)
        stream.processSilence(sampleCount: 8000) { _ in }
        #expect(stream.inputSamples == 8000)
    }

    @Test func anOverridingConfigurationIsStillValidated() {
        var configuration = BeepModel.default.detector
        configuration.confirmFrames = 1
        #expect(throws: ModelError.invalidField(field: "detector.confirm_frames", reason: "must be in 2...100")) {
            try BeepDetector(validated: .default, configuration: configuration)
        }
    }
}
