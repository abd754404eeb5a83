import AMDCore
import Foundation
import Testing

/// `Fixtures/track/logistic.json`, written by `tools/fixtures/gen_track_classifier.py` with scikit-learn.
private struct LogisticFixture: Decodable {
    var classifier: TrackClassifier
    var rows: [[String: Double]]
    var decisionFunction: [Double]

    private enum CodingKeys: String, CodingKey {
        case classifier, rows
        case decisionFunction = "decision_function"
    }

    static func load() throws -> LogisticFixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/track/logistic", withExtension: "json"))
        return try JSONDecoder().decode(LogisticFixture.self, from: Data(contentsOf: url))
    }
}

@Suite struct TrackClassifierTests {
    /// Measurements with the named values set, the rest zero.
    private func measurements(_ row: [String: Double]) throws -> TrackMeasurements {
        let data = try JSONSerialization.data(withJSONObject: row)
        var full = try JSONDecoder().decode([String: Double].self, from: data)
        for feature in TrackClassifier.Feature.allCases where full[feature.rawValue] == nil { full[feature.rawValue] = 0 }
        return try JSONDecoder().decode(TrackMeasurements.self, from: JSONSerialization.data(withJSONObject: full))
    }

    @Test func logitMatchesScikitLearnDecisionFunction() throws {
        let fixture = try LogisticFixture.load()
        try fixture.classifier.validate(path: "track_classifier")
        #expect(fixture.rows.count == fixture.decisionFunction.count && !fixture.rows.isEmpty)
        var worst = 0.0
        for (row, expected) in zip(fixture.rows, fixture.decisionFunction) {
            worst = max(worst, abs(fixture.classifier.logit(try measurements(row)) - expected))
        }
        #expect(worst < 1e-9, "largest difference from sklearn: \(worst)")
    }

    @Test func featuresAreLookedUpByName() throws {
        let fixture = try LogisticFixture.load()
        // Moving one measurement the classifier does not read changes nothing; one it reads changes the logit.
        var m = try measurements(fixture.rows[0])
        let before = fixture.classifier.logit(m)
        m.glide += 5
        #expect(fixture.classifier.logit(m) == before)
        m.purity += 0.1
        #expect(fixture.classifier.logit(m) != before)
    }

    @Test func validationNamesTheBadField() throws {
        let good = try LogisticFixture.load().classifier
        func field(_ edit: (inout TrackClassifier) -> Void) -> String? {
            var classifier = good
            edit(&classifier)
            do {
                try classifier.validate(path: "track_classifier")
                return nil
            } catch {
                guard case .invalidField(let field, _) = error else { return "\(error)" }
                return field
            }
        }
        #expect(field { $0.mean.removeLast() } == "track_classifier.mean")
        #expect(field { $0.scale[2] = 0 } == "track_classifier.scale[2]")
        #expect(field { $0.coefficients[1] = .nan } == "track_classifier.coefficients[1]")
        #expect(field { $0.features.append($0.features[0]) } == "track_classifier.features")
        #expect(field { $0.threshold = .infinity } == "track_classifier.threshold")
        #expect(field { _ in } == nil)
    }

    @Test func shippedModelJudgesTracks() throws {
        // The shipped model carries a track classifier fitted on the training corpus's tracks.
        let classifier = try #require(BeepModel.default.trackClassifier)
        #expect(classifier.clearThreshold >= classifier.threshold)
    }
}
