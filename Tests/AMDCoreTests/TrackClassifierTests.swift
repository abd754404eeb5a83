import AMDCore
import Foundation
import Testing

/// `Fixtures/track/logistic.json` or `trees.json`, written by `tools/fixtures/gen_track_classifier.py` with
/// scikit-learn.
private struct ClassifierFixture: Decodable {
    var classifier: TrackClassifier
    var rows: [[String: Double]]
    var decisionFunction: [Double]

    private enum CodingKeys: String, CodingKey {
        case classifier, rows
        case decisionFunction = "decision_function"
    }

    static func load(_ name: String = "logistic") throws -> ClassifierFixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/track/\(name)", withExtension: "json"))
        return try JSONDecoder().decode(ClassifierFixture.self, from: Data(contentsOf: url))
    }
}

/// The field a validation error names once `edit` is applied to `classifier`; nil when it stays valid.
private func invalidField(_ classifier: TrackClassifier, after edit: (inout TrackClassifier) -> Void) -> String? {
    var edited = classifier
    edit(&edited)
    do {
        try edited.validate(path: "track_classifier")
        return nil
    } catch {
        guard case .invalidField(let field, _) = error else { return "\(error)" }
        return field
    }
}

@Suite struct TrackClassifierTests {
    /// Measurements with the named values set, the rest zero.
    private func measurements(_ row: [String: Double]) throws -> TrackMeasurements {
        var m = TrackMeasurements()
        for (name, value) in row { m[try #require(TrackClassifier.Feature(rawValue: name), "\(name)")] = value }
        return m
    }

    @Test func logitMatchesScikitLearnDecisionFunction() throws {
        let fixture = try ClassifierFixture.load()
        try fixture.classifier.validate(path: "track_classifier")
        #expect(fixture.rows.count == fixture.decisionFunction.count && !fixture.rows.isEmpty)
        var worst = 0.0
        for (row, expected) in zip(fixture.rows, fixture.decisionFunction) {
            worst = max(worst, abs(fixture.classifier.logit(try measurements(row)) - expected))
        }
        #expect(worst < 1e-9, "largest difference from sklearn: \(worst)")
    }

    @Test func boostedTreesMatchScikitLearnDecisionFunction() throws {
        // Rows include values one float32 or float64 step either side of split thresholds: comparing in double
        // precision instead of scikit-learn's single precision sends some of them down the other branch.
        let fixture = try ClassifierFixture.load("trees")
        try fixture.classifier.validate(path: "track_classifier")
        #expect(fixture.classifier.coefficients.isEmpty && fixture.classifier.trees != nil)
        #expect(fixture.rows.count == fixture.decisionFunction.count && fixture.rows.count > 20)
        var worst = 0.0
        for (row, expected) in zip(fixture.rows, fixture.decisionFunction) {
            worst = max(worst, abs(fixture.classifier.logit(try measurements(row)) - expected))
        }
        #expect(worst < 1e-9, "largest difference from sklearn: \(worst)")
    }

    @Test func treeValidationNamesTheBadField() throws {
        let good = try ClassifierFixture.load("trees").classifier
        let trees = try #require(good.trees)
        let inner = try #require(trees.feature.firstIndex { $0 >= 0 })
        let leaf = try #require(trees.feature.firstIndex { $0 < 0 })
        func field(_ edit: (inout BoostedTrees) -> Void) -> String? { invalidField(good) { edit(&$0.trees!) } }
        #expect(field { $0.left[inner] = inner } == "track_classifier.trees.left[\(inner)]")
        #expect(field { $0.right[inner] = $0.feature.count } == "track_classifier.trees.right[\(inner)]")
        #expect(field { $0.feature[inner] = good.features.count } == "track_classifier.trees.feature[\(inner)]")
        #expect(field { $0.threshold[inner] = .nan } == "track_classifier.trees.threshold[\(inner)]")
        #expect(field { $0.value[leaf] = .infinity } == "track_classifier.trees.value[\(leaf)]")
        #expect(field { $0.value.removeLast() } == "track_classifier.trees.value")
        #expect(field { $0.roots.append(-1) } == "track_classifier.trees.roots[\(trees.roots.count)]")
        #expect(field { $0.roots = [] } == "track_classifier.trees.roots")
        #expect(field { _ in } == nil)

        var neither = good
        neither.trees = nil
        #expect(throws: ModelError.self) { try neither.validate(path: "track_classifier") }
    }

    @Test func featuresAreLookedUpByName() throws {
        let fixture = try ClassifierFixture.load()
        // Moving one measurement the classifier does not read changes nothing; one it reads changes the logit.
        var m = try measurements(fixture.rows[0])
        let before = fixture.classifier.logit(m)
        m.glide += 5
        #expect(fixture.classifier.logit(m) == before)
        m.purity += 0.1
        #expect(fixture.classifier.logit(m) != before)
    }

    @Test func validationNamesTheBadField() throws {
        let good = try ClassifierFixture.load().classifier
        func field(_ edit: (inout TrackClassifier) -> Void) -> String? { invalidField(good, after: edit) }
        #expect(field { $0.mean.removeLast() } == "track_classifier.mean")
        #expect(field { $0.scale[2] = 0 } == "track_classifier.scale[2]")
        #expect(field { $0.coefficients[1] = .nan } == "track_classifier.coefficients[1]")
        #expect(field { $0.features.append($0.features[0]) } == "track_classifier.features")
        #expect(field { $0.threshold = .infinity } == "track_classifier.threshold")
        #expect(field { _ in } == nil)
    }

    /// A linear classifier over purity and the speech windows (logit = 2·purity + 3·speech), whose context cap lets
    /// the speech windows veto at most `maxVeto` below a call with `reference` of them.
    private func cappedClassifier(reference: Double, maxVeto: Double) -> TrackClassifier {
        TrackClassifier(
            features: [.purity, .logSpeechWindows],
            mean: [0, 0],
            scale: [1, 1],
            coefficients: [2, 3],
            intercept: 0,
            threshold: 0,
            clearThreshold: 0,
            contextCap: .init(features: [.logSpeechWindows], reference: [reference], maxVeto: maxVeto)
        )
    }

    @Test func contextVetoIsCapped() throws {
        let classifier = cappedClassifier(reference: 2, maxVeto: 1)
        var m = TrackMeasurements()
        m.purity = 1
        m.logSpeechWindows = 0
        // Little speech before the tone: it alone scores 2 + 6 = 8, and the context may take at most 1 off that.
        #expect(classifier.logit(m) == 2)
        #expect(classifier.toneLogit(m) == 8)
        #expect(classifier.cappedLogit(m) == 7)
        // Context in the tone's favour is never capped.
        m.logSpeechWindows = 3
        #expect(classifier.cappedLogit(m) == classifier.logit(m))
        // Without a cap, the context has its full say.
        var uncapped = classifier
        uncapped.contextCap = nil
        m.logSpeechWindows = 0
        #expect(uncapped.cappedLogit(m) == 2 && uncapped.toneLogit(m) == 2)
    }

    @Test func cleanTonesArePureAndSteady() throws {
        let cap = TrackClassifier.ContextCap(
            features: [.logSpeechWindows],
            reference: [2],
            maxVeto: 1,
            minPurity: 0.9,
            maxSpreadPermille: 1.5,
            maxJitterPermille: 3
        )
        var m = TrackMeasurements()
        m.purity = 0.95
        m.spreadPermille = 1
        m.jitterPermille = 2
        #expect(cap.isClean(m))
        var impure = m
        impure.purity = 0.85
        #expect(!cap.isClean(impure))
        var wandering = m
        wandering.spreadPermille = 2
        #expect(!cap.isClean(wandering))
        var jittery = m
        jittery.jitterPermille = 4
        #expect(!cap.isClean(jittery))
    }

    @Test func contextCapIsReadFromTheModelFile() throws {
        let json = """
            {"features": ["purity", "log_speech_windows"], "mean": [0, 0], "scale": [1, 1], "coefficients": [2, 3],
             "intercept": 0, "threshold": 0, "clear_threshold": 0,
             "context_cap": {"features": ["log_speech_windows"], "reference": [2], "max_veto": 1}}
            """
        let decoded = try JSONDecoder().decode(TrackClassifier.self, from: Data(json.utf8))
        #expect(decoded == cappedClassifier(reference: 2, maxVeto: 1))
    }

    @Test func contextCapValidationNamesTheBadField() throws {
        let good = cappedClassifier(reference: 2, maxVeto: 1)
        func field(_ edit: (inout TrackClassifier.ContextCap) -> Void) -> String? {
            invalidField(good) { edit(&$0.contextCap!) }
        }
        #expect(field { $0.reference.append(1) } == "track_classifier.context_cap.reference")
        #expect(field { $0.reference[0] = .nan } == "track_classifier.context_cap.reference[0]")
        #expect(field { $0.maxVeto = -1 } == "track_classifier.context_cap.max_veto")
        #expect(field { $0.uncleanMargin = .infinity } == "track_classifier.context_cap.unclean_margin")
        #expect(field { $0.minPurity = 1.5 } == "track_classifier.context_cap.min_purity")
        #expect(field { $0.maxSpreadPermille = .nan } == "track_classifier.context_cap.max_spread_permille")
        #expect(field { $0.maxJitterPermille = -1 } == "track_classifier.context_cap.max_jitter_permille")
        #expect(field { $0.features.append(.logSpeechWindows) } == "track_classifier.context_cap.features")
        #expect(field { $0.features = [] } == "track_classifier.context_cap.features")
        #expect(field { _ in } == nil)
    }

    /// The capped logit walks the trees once for the full and the typical measurements together: it must equal,
    /// bit for bit, the two logits computed one after the other, on the shipped model's 1,500 trees.
    @Test func cappedLogitEqualsItsTwoLogitsBitForBit() throws {
        let classifier = try #require(BeepModel.default.trackClassifier)
        let cap = try #require(classifier.contextCap)
        var generator = SplitMix64(seed: 1500)
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + Double(generator.next() % 1_000_001) / 1_000_000 * (range.upperBound - range.lowerBound)
        }
        var capped = 0
        for _ in 0..<500 {
            var m = TrackMeasurements()
            m.logFrequency = uniform(5.5...8)
            m.purity = uniform(0...1)
            m.spreadPermille = uniform(0...20)
            m.glide = uniform(0...0.2)
            m.levelWobbleDb = uniform(0...6)
            m.voicedBefore = uniform(0...40).rounded()
            m.logGapBefore = uniform(0...5.7)
            m.mfccLogOdds = uniform(-100...100)
            m.logSpeechWindows = uniform(0...5)
            m.logVoicedWindows = uniform(0...5)
            m.levelOverSpeechDb = uniform(-40...40)
            let expected = max(classifier.logit(m), classifier.toneLogit(m) - cap.maxVeto)
            #expect(classifier.cappedLogit(m).bitPattern == expected.bitPattern)
            if classifier.cappedLogit(m) != classifier.logit(m) { capped += 1 }
        }
        // Both branches of the cap are exercised.
        #expect(capped > 0 && capped < 500)
    }

    @Test func shippedModelJudgesTracks() throws {
        // The shipped model carries a track classifier fitted on the training corpus's tracks.
        let classifier = try #require(BeepModel.default.trackClassifier)
        #expect(classifier.clearThreshold >= classifier.threshold)
        // And a cap on how far the context may veto a clean tone, with a reference value per context measurement.
        let cap = try #require(classifier.contextCap)
        #expect(cap.features.count == cap.reference.count && cap.maxVeto > 0)
    }
}
