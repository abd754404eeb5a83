#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gaussian naive Bayes classifier, numerically the same as scikit-learn's `GaussianNB`.
///
/// Each class `c` has a prior and, per feature `j`, a normal distribution with mean `theta[c][j]` and variance
/// `var[c][j]` (already including the smoothing `epsilon`). The joint log-likelihood of a feature vector `x` is
/// `log prior[c] − ½ Σⱼ log(2π var[c][j]) − ½ Σⱼ (x[j] − theta[c][j])² / var[c][j]`, and class probabilities are its
/// log-sum-exp normalisation. The stored fields are sklearn's fitted attributes (`classes_`, `class_prior_`,
/// `theta_`, `var_`, `epsilon_`, `var_smoothing`) under the same JSON keys, the `classifier` object of a model file.
/// Decoding does not range-check: call ``validate()`` before classifying.
public struct GaussianNB: Sendable, Codable, Hashable {
    /// Class labels, sorted (as `numpy.unique` sorts them).
    public var classes: [String]
    /// Prior probability of each class (0…1, summing to 1).
    public var classPrior: [Double]
    /// Per-class feature means, `[class][feature]`, in feature units.
    public var theta: [[Double]]
    /// Per-class feature variances, `[class][feature]`, in squared feature units, `epsilon` included (sklearn `var_`).
    public var `var`: [[Double]]
    /// Variance added to every entry of ``var`` at training: `varSmoothing ×` the largest per-feature variance of
    /// the whole training set, in squared feature units.
    public var epsilon: Double
    /// The smoothing fraction used at training (sklearn's `var_smoothing`, default 1e-9).
    public var varSmoothing: Double

    /// Number of classes.
    public var classCount: Int { classes.count }
    /// Length of the feature vectors the model takes.
    public var featureCount: Int { theta.first?.count ?? 0 }

    /// Creates a model from fitted parameters (not checked: call ``validate()``).
    public init(
        classes: [String],
        classPrior: [Double],
        theta: [[Double]],
        `var`: [[Double]],
        epsilon: Double,
        varSmoothing: Double
    ) {
        self.classes = classes
        self.classPrior = classPrior
        self.theta = theta
        self.var = `var`
        self.epsilon = epsilon
        self.varSmoothing = varSmoothing
    }

    private enum CodingKeys: String, CodingKey {
        case classes
        case classPrior = "class_prior"
        case theta
        case `var`
        case epsilon
        case varSmoothing = "var_smoothing"
    }

    /// Trains a model the way `sklearn.naive_bayes.GaussianNB(var_smoothing=...).fit(features, labels)` does.
    ///
    /// Classes are the sorted distinct labels; each class's means and (population) variances come from its rows;
    /// `epsilon = varSmoothing × max over features of the variance of the whole training set` is added to every
    /// variance; priors are the class frequencies.
    /// - Parameters:
    ///   - features: one row per sample, all of the same length, finite.
    ///   - labels: one label per row.
    ///   - varSmoothing: fraction of the largest feature variance added to all variances (≥ 0).
    /// - Throws: ``ModelError`` naming the bad row or field (including ``ModelError/invalidField(field:reason:)``
    ///   when a variance comes out as 0, e.g. a single-sample class with `varSmoothing` 0).
    public static func fit(
        features: [[Double]],
        labels: [String],
        varSmoothing: Double = 1e-9
    ) throws(ModelError) -> GaussianNB {
        guard !features.isEmpty else { throw .noSamples }
        guard features.count == labels.count else {
            throw .labelCountMismatch(samples: features.count, labels: labels.count)
        }
        guard varSmoothing.isFinite, varSmoothing >= 0 else {
            throw .invalidField(field: "classifier.var_smoothing", reason: "must be ≥ 0, is \(varSmoothing)")
        }
        let width = features[0].count
        for (row, values) in features.enumerated() {
            guard values.count == width else {
                throw .featureCountMismatch(row: row, expected: width, actual: values.count)
            }
            if let column = values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteFeature(row: row, column: column)
            }
        }

        let classes = Array(Set(labels)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var members = [[Int]](repeating: [], count: classes.count)
        for (row, label) in labels.enumerated() {
            members[classIndex[label, default: 0]].append(row)
        }

        let all = Array(features.indices)
        let overall = meanAndVariance(features, rows: all, width: width)
        let epsilon = varSmoothing * (overall.variance.max() ?? 0)
        var theta = [[Double]]()
        var variance = [[Double]]()
        for rows in members {
            let stats = meanAndVariance(features, rows: rows, width: width)
            theta.append(stats.mean)
            variance.append(stats.variance.map { $0 + epsilon })
        }
        let total = Double(features.count)
        let model = GaussianNB(
            classes: classes,
            classPrior: members.map { Double($0.count) / total },
            theta: theta,
            var: variance,
            epsilon: epsilon,
            varSmoothing: varSmoothing
        )
        try model.validate()
        return model
    }

    /// Two-pass mean and population variance of each column over `rows`.
    private static func meanAndVariance(
        _ features: [[Double]],
        rows: [Int],
        width: Int
    ) -> (mean: [Double], variance: [Double]) {
        let count = Double(rows.count)
        var mean = [Double](repeating: 0, count: width)
        for row in rows {
            for j in 0..<width { mean[j] += features[row][j] }
        }
        for j in 0..<width { mean[j] /= count }
        var variance = [Double](repeating: 0, count: width)
        for row in rows {
            for j in 0..<width {
                let deviation = features[row][j] - mean[j]
                variance[j] += deviation * deviation
            }
        }
        for j in 0..<width { variance[j] /= count }
        return (mean, variance)
    }

    /// Checks shapes and ranges.
    /// - Throws: ``ModelError/invalidField(field:reason:)`` with the JSON path of the first bad value, e.g.
    ///   `classifier.var[1][3] must be > 0, is -0.5`.
    public func validate() throws(ModelError) {
        guard !classes.isEmpty else { throw .invalidField(field: "classifier.classes", reason: "must not be empty") }
        var seen = Set<String>()
        for (i, label) in classes.enumerated() where !seen.insert(label).inserted {
            throw .invalidField(field: "classifier.classes[\(i)]", reason: "repeats \"\(label)\"")
        }
        try checkCount("classifier.class_prior", classPrior.count, classes.count)
        for (i, prior) in classPrior.enumerated() where !(prior > 0 && prior <= 1) {
            throw .invalidField(field: "classifier.class_prior[\(i)]", reason: "must be in (0, 1], is \(prior)")
        }
        let sum = classPrior.reduce(0, +)
        guard abs(sum - 1) <= 1e-6 else {
            throw .invalidField(field: "classifier.class_prior", reason: "must sum to 1, sums to \(sum)")
        }
        try checkCount("classifier.theta", theta.count, classes.count)
        try checkCount("classifier.var", self.var.count, classes.count)
        guard featureCount > 0 else {
            throw .invalidField(field: "classifier.theta[0]", reason: "must have at least one feature")
        }
        for c in 0..<classes.count {
            try checkCount("classifier.theta[\(c)]", theta[c].count, featureCount)
            try checkCount("classifier.var[\(c)]", self.var[c].count, featureCount)
            for j in 0..<featureCount {
                guard theta[c][j].isFinite else {
                    throw .invalidField(
                        field: "classifier.theta[\(c)][\(j)]", reason: "must be finite, is \(theta[c][j])")
                }
                let v = self.var[c][j]
                guard v.isFinite, v > 0 else {
                    throw .invalidField(field: "classifier.var[\(c)][\(j)]", reason: "must be > 0, is \(v)")
                }
            }
        }
        guard epsilon.isFinite, epsilon >= 0 else {
            throw .invalidField(field: "classifier.epsilon", reason: "must be ≥ 0, is \(epsilon)")
        }
        guard varSmoothing.isFinite, varSmoothing >= 0 else {
            throw .invalidField(field: "classifier.var_smoothing", reason: "must be ≥ 0, is \(varSmoothing)")
        }
    }

    private func checkCount(_ field: String, _ actual: Int, _ expected: Int) throws(ModelError) {
        guard actual == expected else {
            throw .invalidField(field: field, reason: "must have \(expected) entries, has \(actual)")
        }
    }

    /// The part of each class's joint log-likelihood that does not depend on the features,
    /// `log P(c) − ½ Σⱼ log(2π var[c][j])` (natural log), one value per class in ``classes`` order.
    ///
    /// A detector classifies a window every 80 ms with one model: computing these once per model instead of per
    /// window saves ``classCount`` × ``featureCount`` logarithms each time, with bit-identical results (pass them to
    /// ``jointLogLikelihood(_:classTerms:into:)`` or ``predictLogProba(_:classTerms:into:)``).
    public func featureIndependentTerms() -> [Double] {
        (0..<classCount).map(featureIndependentTerm(ofClass:))
    }

    /// Joint log-likelihood `log P(c) + log p(x | c)` of each class (natural log), like sklearn's
    /// `predict_joint_log_proba`. Allocates nothing.
    /// - Parameters:
    ///   - x: ``featureCount`` features.
    ///   - output: at least ``classCount`` elements; receives one value per class, in ``classes`` order.
    /// - Precondition: the model is valid and the buffer sizes above (contracts of the caller, set at load time).
    public func jointLogLikelihood(_ x: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        checkSizes(x, output)
        for c in 0..<classCount { output[c] = featureIndependentTerm(ofClass: c) - 0.5 * distance(x, toClass: c) }
    }

    /// ``jointLogLikelihood(_:into:)`` with the feature-independent terms computed beforehand
    /// (``featureIndependentTerms()`` of this model). Allocates nothing; the same result, bit for bit.
    /// - Precondition: as ``jointLogLikelihood(_:into:)``, and `classTerms` holds ``classCount`` values.
    public func jointLogLikelihood(
        _ x: UnsafeBufferPointer<Double>, classTerms: UnsafeBufferPointer<Double>,
        into output: UnsafeMutableBufferPointer<Double>
    ) {
        checkSizes(x, output)
        precondition(classTerms.count == classCount, "GaussianNB: \(classTerms.count) class terms, need \(classCount)")
        for c in 0..<classCount { output[c] = classTerms[c] - 0.5 * distance(x, toClass: c) }
    }

    /// Log-probability of each class given `x` (natural log; log-sum-exp normalised), like sklearn's
    /// `predict_log_proba`. Allocates nothing.
    /// - Parameters:
    ///   - x: ``featureCount`` features.
    ///   - output: at least ``classCount`` elements; receives one value per class, in ``classes`` order.
    /// - Precondition: as ``jointLogLikelihood(_:into:)``.
    public func predictLogProba(_ x: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        jointLogLikelihood(x, into: output)
        normaliseLogProbabilities(output)
    }

    /// ``predictLogProba(_:into:)`` with the feature-independent terms computed beforehand
    /// (``featureIndependentTerms()`` of this model). Allocates nothing; the same result, bit for bit.
    /// - Precondition: as ``jointLogLikelihood(_:classTerms:into:)``.
    public func predictLogProba(
        _ x: UnsafeBufferPointer<Double>, classTerms: UnsafeBufferPointer<Double>,
        into output: UnsafeMutableBufferPointer<Double>
    ) {
        jointLogLikelihood(x, classTerms: classTerms, into: output)
        normaliseLogProbabilities(output)
    }

    /// `log P(c) − ½ Σⱼ log(2π var[c][j])`, summed in feature order as sklearn does.
    private func featureIndependentTerm(ofClass c: Int) -> Double {
        let twoPi = 2 * Double.pi
        var logNormaliser = 0.0
        for v in self.var[c] { logNormaliser += log(twoPi * v) }
        return log(classPrior[c]) - 0.5 * logNormaliser
    }

    /// `Σⱼ (x[j] − theta[c][j])² / var[c][j]`: the squared distance of `x` from class `c`'s means, in standard
    /// deviations.
    private func distance(_ x: UnsafeBufferPointer<Double>, toClass c: Int) -> Double {
        let means = theta[c]
        let variances = self.var[c]
        var distance = 0.0
        for j in 0..<x.count {
            let deviation = x[j] - means[j]
            distance += deviation * deviation / variances[j]
        }
        return distance
    }

    private func checkSizes(_ x: UnsafeBufferPointer<Double>, _ output: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == featureCount, "GaussianNB: \(x.count) features, model takes \(featureCount)")
        precondition(output.count >= classCount, "GaussianNB: room for \(output.count) classes, need \(classCount)")
    }

    /// Turns joint log-likelihoods into log-probabilities in place (log-sum-exp normalisation).
    private func normaliseLogProbabilities(_ output: UnsafeMutableBufferPointer<Double>) {
        let count = classCount
        var largest = -Double.infinity
        for c in 0..<count { largest = max(largest, output[c]) }
        guard largest.isFinite else { return }
        var sum = 0.0
        for c in 0..<count { sum += exp(output[c] - largest) }
        let logTotal = largest + log(sum)
        for c in 0..<count { output[c] -= logTotal }
    }

    /// Probability of each class given `x` (0…1, summing to 1), like sklearn's `predict_proba`. Allocates nothing.
    /// - Parameters:
    ///   - x: ``featureCount`` features.
    ///   - output: at least ``classCount`` elements; receives one value per class, in ``classes`` order.
    /// - Precondition: as ``jointLogLikelihood(_:into:)``.
    public func predictProba(_ x: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        predictLogProba(x, into: output)
        for c in 0..<classCount { output[c] = exp(output[c]) }
    }

    /// ``jointLogLikelihood(_:into:)`` returning a new array (allocates; for tools and tests).
    public func jointLogLikelihood(_ x: [Double]) -> [Double] {
        collect(x) { jointLogLikelihood($0, into: $1) }
    }

    /// ``predictLogProba(_:into:)`` returning a new array (allocates; for tools and tests).
    public func predictLogProba(_ x: [Double]) -> [Double] {
        collect(x) { predictLogProba($0, into: $1) }
    }

    /// ``predictProba(_:into:)`` returning a new array (allocates; for tools and tests).
    public func predictProba(_ x: [Double]) -> [Double] {
        collect(x) { predictProba($0, into: $1) }
    }

    /// The most probable class for `x` (the first of ties, like sklearn's `predict`).
    public func predict(_ x: [Double]) -> String {
        let scores = jointLogLikelihood(x)
        var best = 0
        for c in scores.indices where scores[c] > scores[best] { best = c }
        return classes[best]
    }

    private func collect(
        _ x: [Double],
        _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        var output = [Double](repeating: 0, count: classCount)
        x.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { body(input, $0) } }
        return output
    }
}
