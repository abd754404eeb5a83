import AMDCore
import Foundation
import Testing

/// `Fixtures/gnb/fit.json`, written by `tools/fixtures/gen_gnb.py` with scikit-learn.
private struct GNBFixture: Decodable {
    struct Training: Decodable {
        var features: [[Double]]
        var labels: [String]
    }
    struct Fit: Decodable {
        var varSmoothing: Double
        var classes: [String]
        var classPrior: [Double]
        var theta: [[Double]]
        var `var`: [[Double]]
        var epsilon: Double
        var jointLogLikelihood: [[Double]]
        var predictLogProba: [[Double]]
        var predictProba: [[Double]]
        var predict: [String]
    }
    var train: Training
    var test: [[Double]]
    var fits: [Fit]

    static func load() throws -> GNBFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GNBFixture.self, from: fixtureData("gnb/fit.json"))
    }
}

/// A model file (docs/ARCHITECTURE.md) as far as the classifier is concerned.
private struct ModelFile: Decodable {
    var format: String
    var version: Int
    var classifier: GaussianNB
    var positiveClass: String
    enum CodingKeys: String, CodingKey {
        case format, version, classifier
        case positiveClass = "positive_class"
    }
}

/// Largest `|a − b| / max(|b|, 1e-300)` over matching entries.
private func maxRelativeError(_ a: [[Double]], _ b: [[Double]]) -> Double {
    var worst = 0.0
    for (row, expectedRow) in zip(a, b) {
        for (got, expected) in zip(row, expectedRow) { worst = max(worst, abs(got - expected) / abs(expected)) }
    }
    return worst
}

/// Largest `|a − b|` over matching entries.
private func maxAbsoluteError(_ a: [[Double]], _ b: [[Double]]) -> Double {
    var worst = 0.0
    for (row, expectedRow) in zip(a, b) {
        for (got, expected) in zip(row, expectedRow) { worst = max(worst, abs(got - expected)) }
    }
    return worst
}

/// The repository root, from this file's path (Tests/AMDCoreTests/GaussianNBTests.swift).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs `python3` with `arguments`; returns its exit status (nil when python3 cannot be started).
private func runPython(_ arguments: [String]) -> Int32? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    process.currentDirectoryURL = repositoryRoot
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    process.waitUntilExit()
    return process.terminationStatus
}

/// Whether python3 with scikit-learn is installed (the converter test needs it).
private let pythonHasSklearn = runPython(["-c", "import sklearn"]) == 0

/// Checks a model against sklearn's probabilities on the fixture's test points.
/// Tolerance: 1e-9 absolute on probabilities, 1e-9 relative on log-likelihoods and log-probabilities.
private func expectPredictionsMatch(_ model: GaussianNB, _ fit: GNBFixture.Fit, _ test: [[Double]], _ label: String) {
    let probabilities = test.map(model.predictProba)
    let logProbabilities = test.map(model.predictLogProba)
    let joint = test.map(model.jointLogLikelihood)
    let probabilityError = maxAbsoluteError(probabilities, fit.predictProba)
    let jointError = maxRelativeError(joint, fit.jointLogLikelihood)
    // Log-probabilities near 0 (certain classes) compare absolutely, the rest relatively.
    var logError = 0.0
    for (row, expectedRow) in zip(logProbabilities, fit.predictLogProba) {
        for (got, expected) in zip(row, expectedRow) {
            logError = max(logError, abs(got - expected) / max(abs(expected), 1))
        }
    }
    print(
        "GaussianNB vs sklearn (\(label)): max |Δproba| \(probabilityError), "
            + "max rel Δjoint_log_likelihood \(jointError), max Δlog_proba \(logError)")
    #expect(probabilityError <= 1e-9)
    #expect(jointError <= 1e-9)
    #expect(logError <= 1e-9)
    #expect(test.map(model.predict) == fit.predict)
    for row in probabilities { #expect(abs(row.reduce(0, +) - 1) <= 1e-12) }
}

struct GaussianNBTests {
    /// Tolerance: 1e-9 relative on fitted parameters; predictions as ``expectPredictionsMatch``.
    @Test func fitMatchesSklearn() throws {
        let fixture = try GNBFixture.load()
        for fit in fixture.fits {
            let model = try GaussianNB.fit(
                features: fixture.train.features, labels: fixture.train.labels,
                varSmoothing: fit.varSmoothing)
            #expect(model.classes == fit.classes)
            let priorError = maxRelativeError([model.classPrior], [fit.classPrior])
            let thetaError = maxRelativeError(model.theta, fit.theta)
            let varError = maxRelativeError(model.var, fit.var)
            let epsilonError = abs(model.epsilon - fit.epsilon) / fit.epsilon
            print(
                "GaussianNB.fit vs sklearn (var_smoothing \(fit.varSmoothing)): rel Δprior \(priorError), "
                    + "Δtheta \(thetaError), Δvar \(varError), Δepsilon \(epsilonError)")
            #expect(priorError <= 1e-9)
            #expect(thetaError <= 1e-9)
            #expect(varError <= 1e-9)
            #expect(epsilonError <= 1e-9)
            #expect(model.varSmoothing == fit.varSmoothing)
            expectPredictionsMatch(model, fit, fixture.test, "fitted in Swift, var_smoothing \(fit.varSmoothing)")
        }
    }

    @Test func sklearnParametersPredictLikeSklearn() throws {
        let fixture = try GNBFixture.load()
        for fit in fixture.fits {
            let model = GaussianNB(
                classes: fit.classes, classPrior: fit.classPrior, theta: fit.theta, var: fit.var,
                epsilon: fit.epsilon, varSmoothing: fit.varSmoothing)
            try model.validate()
            expectPredictionsMatch(model, fit, fixture.test, "sklearn's parameters, var_smoothing \(fit.varSmoothing)")
        }
    }

    /// The detector's path, with the feature-independent terms computed once per model, gives the same bits as the
    /// path that computes them for every vector (on the shipped model, whose 6 classes and 40 features it runs on).
    @Test func precomputedClassTermsGiveTheSameBits() throws {
        let model = BeepModel.default.classifier
        let terms = model.featureIndependentTerms()
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let x = (0..<model.featureCount).map { j in
                model.theta[j % model.classCount][j] * Double.random(in: 0...2, using: &random)
            }
            var direct = [Double](repeating: 0, count: model.classCount)
            var precomputed = direct
            x.withUnsafeBufferPointer { x in
                direct.withUnsafeMutableBufferPointer { model.predictLogProba(x, into: $0) }
                terms.withUnsafeBufferPointer { terms in
                    precomputed.withUnsafeMutableBufferPointer { model.predictLogProba(x, classTerms: terms, into: $0) }
                }
            }
            #expect(direct.map(\.bitPattern) == precomputed.map(\.bitPattern), "x = \(x)")
        }
    }

    /// The committed `model.json` (the converter's output), decoded without Python.
    @Test func decodesConvertedModelFile() throws {
        let file = try JSONDecoder().decode(ModelFile.self, from: fixtureData("gnb/model.json"))
        #expect(file.format == "amd-edge-gaussian-nb")
        #expect(file.version == 1)
        #expect(file.positiveClass == "beep")
        try file.classifier.validate()
        let fixture = try GNBFixture.load()
        expectPredictionsMatch(file.classifier, fixture.fits[0], fixture.test, "committed model.json")
    }

    /// Runs `tools/sklearn_gnb_to_json.py` on the committed pickle and checks the result predicts like sklearn.
    @Test(.enabled(if: pythonHasSklearn, "needs python3 with scikit-learn"))
    func converterOutputPredictsLikeSklearn() throws {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("amd-edge-gnb-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let fixtures = repositoryRoot.appendingPathComponent("Tests/AMDCoreTests/Fixtures/gnb")
        let status = runPython([
            "tools/sklearn_gnb_to_json.py", fixtures.appendingPathComponent("model.pkl").path,
            "--features", fixtures.appendingPathComponent("features.json").path, "-o", output.path,
        ])
        #expect(status == 0)
        let file = try JSONDecoder().decode(ModelFile.self, from: Data(contentsOf: output))
        try file.classifier.validate()
        let fixture = try GNBFixture.load()
        expectPredictionsMatch(file.classifier, fixture.fits[0], fixture.test, "converter output")
        #expect(file.classifier.theta == fixture.fits[0].theta)
        #expect(file.classifier.var == fixture.fits[0].var)
    }

    @Test func codableKeysAreSklearnNames() throws {
        let model = GaussianNB(
            classes: ["a", "b"], classPrior: [0.25, 0.75], theta: [[0], [1]], var: [[1], [2]],
            epsilon: 1e-9, varSmoothing: 1e-9)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
        #expect(Set(object.keys) == ["classes", "class_prior", "theta", "var", "epsilon", "var_smoothing"])
        #expect(try JSONDecoder().decode(GaussianNB.self, from: JSONEncoder().encode(model)) == model)
    }

    @Test func fitRejectsBadTrainingData() {
        #expect(throws: ModelError.noSamples) { try GaussianNB.fit(features: [], labels: []) }
        #expect(throws: ModelError.labelCountMismatch(samples: 2, labels: 1)) {
            try GaussianNB.fit(features: [[1], [2]], labels: ["a"])
        }
        #expect(throws: ModelError.featureCountMismatch(row: 1, expected: 2, actual: 1)) {
            try GaussianNB.fit(features: [[1, 2], [3]], labels: ["a", "b"])
        }
        #expect(throws: ModelError.nonFiniteFeature(row: 0, column: 1)) {
            try GaussianNB.fit(features: [[1, .nan], [3, 4]], labels: ["a", "b"])
        }
        // Constant features and no smoothing leave a zero variance.
        #expect(throws: ModelError.invalidField(field: "classifier.var[0][0]", reason: "must be > 0, is 0.0")) {
            try GaussianNB.fit(features: [[1], [1]], labels: ["a", "b"], varSmoothing: 0)
        }
    }

    /// Each fault is reported with its JSON path.
    @Test func validateNamesTheField() {
        let good = GaussianNB(
            classes: ["beep", "speech"], classPrior: [0.5, 0.5], theta: [[0, 0], [1, 1]],
            var: [[1, 1], [1, 1]], epsilon: 1e-9, varSmoothing: 1e-9)
        #expect(throws: Never.self) { try good.validate() }
        var cases: [(String, GaussianNB)] = []
        var model = good
        model.var[1][1] = -0.5
        cases.append(("classifier.var[1][1] must be > 0, is -0.5", model))
        model = good
        model.classes = ["beep", "beep"]
        cases.append(("classifier.classes[1] repeats \"beep\"", model))
        model = good
        model.classPrior = [0.5]
        cases.append(("classifier.class_prior must have 2 entries, has 1", model))
        model = good
        model.classPrior = [0.5, 0.6]
        cases.append(("classifier.class_prior must sum to 1, sums to 1.1", model))
        model = good
        model.theta[1] = [0]
        cases.append(("classifier.theta[1] must have 2 entries, has 1", model))
        model = good
        model.theta[1][0] = .infinity
        cases.append(("classifier.theta[1][0] must be finite, is inf", model))
        model = good
        model.epsilon = -1
        cases.append(("classifier.epsilon must be ≥ 0, is -1.0", model))
        model = good
        model.classes = []
        cases.append(("classifier.classes must not be empty", model))
        for (message, bad) in cases {
            do {
                try bad.validate()
                Issue.record("expected: \(message)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    /// Far from every class the likelihoods underflow to 0, but the log-sum-exp keeps probabilities valid.
    @Test func extremeInputsStayNormalised() throws {
        let model = GaussianNB(
            classes: ["a", "b"], classPrior: [0.5, 0.5], theta: [[0], [1]], var: [[1e-6], [1e-6]],
            epsilon: 0, varSmoothing: 0)
        let probabilities = model.predictProba([1e6])
        #expect(probabilities == [0, 1])
        #expect(model.predict([1e6]) == "b")
    }
}
