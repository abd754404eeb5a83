/// A logistic model over the measurements of a whole tone track: is this steady tone a voicemail beep, or a
/// voice's held harmonic or a note of music? Its logit is a weighted sum of the standardised measurements, plus the
/// leaves of boosted regression trees when the model has them (either part may be absent).
///
/// The MFCC classifier sees the timbre of a few frames; this one sees what the tone analysis measured over the track
/// and its surroundings (how pure and steady it is, what came just before it, how much speech the call has carried).
/// It is fitted on tracks the detector itself found in labelled calls (`amd-edge eval --tracks`, then
/// `tools/train_track_classifier.py`), so it learns exactly the candidates it will judge.
public struct TrackClassifier: Sendable, Hashable, Codable {
    /// The measurements, in the order a model lists them.
    public enum Feature: String, Sendable, Hashable, Codable, CaseIterable {
        /// Natural log of the mean frequency in Hz.
        case logFrequency = "log_frequency"
        /// Mean share of the band's energy in the tone and its harmonics (0...1).
        case purity
        /// Spread of the frequency around its trend, in thousandths of the frequency.
        case spreadPermille = "spread_permille"
        /// Frequency glide, as a fraction of the frequency per 100 ms (absolute).
        case glide
        /// Frame-to-frame level wobble, in dB.
        case levelWobbleDb = "level_wobble_db"
        /// Voiced, non-tonal frames in the 400 ms before the onset (0...40).
        case voicedBefore = "voiced_before"
        /// Natural log of 1 + the frames since the previous tone ended (at most 300).
        case logGapBefore = "log_gap_before"
        /// The MFCC classifier's log-odds of a tone over the track's first frames (clamped to ±100).
        case mfccLogOdds = "mfcc_log_odds"
        /// Natural log of 1 + the context windows the MFCC classifier called speech so far in the call.
        case logSpeechWindows = "log_speech_windows"
        /// Natural log of 1 + the voiced, non-tonal sound so far in the call, in 80 ms windows: how much was said,
        /// measured without the MFCC classifier, so that voices unlike its training count in full.
        case logVoicedWindows = "log_voiced_windows"
        /// The tone's band level over the level of the speech heard so far, in dB (clamped to ±40): a beep is
        /// about as loud as the greeting, a note of background music well under the voice over it.
        case levelOverSpeechDb = "level_over_speech_db"
        /// Mean absolute frame-to-frame frequency step, net of the glide, in thousandths of the frequency: near 0
        /// for a generated tone (even through a codec), larger for a voice's harmonic, whose pitch jitters.
        case jitterPermille = "jitter_permille"
    }

    /// The measurements used, in order.
    public var features: [Feature]
    /// Mean of each measurement over the training tracks (the standardisation offset); empty without a linear part.
    public var mean: [Double]
    /// Standard deviation of each measurement over the training tracks (the standardisation scale); empty without a
    /// linear part.
    public var scale: [Double]
    /// Weight of each standardised measurement; empty without a linear part.
    public var coefficients: [Double]
    /// Regression trees whose leaves add to the logit, if any.
    public var trees: BoostedTrees?
    /// Bias of the logit.
    public var intercept: Double
    /// Least logit for a track to count as a beep.
    public var threshold: Double
    /// Least logit for a track to be reported at its first look, without waiting for what follows it.
    public var clearThreshold: Double
    /// How far the measurements of a tone's surroundings may pull its logit down, if the model limits it.
    public var contextCap: ContextCap?

    /// Creates a classifier.
    public init(
        features: [Feature],
        mean: [Double],
        scale: [Double],
        coefficients: [Double],
        trees: BoostedTrees? = nil,
        intercept: Double,
        threshold: Double,
        clearThreshold: Double,
        contextCap: ContextCap? = nil
    ) {
        self.features = features
        self.mean = mean
        self.scale = scale
        self.coefficients = coefficients
        self.trees = trees
        self.intercept = intercept
        self.threshold = threshold
        self.clearThreshold = clearThreshold
        self.contextCap = contextCap
    }

    private enum CodingKeys: String, CodingKey {
        case features, mean, scale, coefficients, trees, intercept, threshold
        case clearThreshold = "clear_threshold"
        case contextCap = "context_cap"
    }

    /// Decodes the classifier from the model file, validating it as it goes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        features = try c.decode([Feature].self, forKey: .features)
        mean = try c.decodeIfPresent([Double].self, forKey: .mean) ?? []
        scale = try c.decodeIfPresent([Double].self, forKey: .scale) ?? []
        coefficients = try c.decodeIfPresent([Double].self, forKey: .coefficients) ?? []
        trees = try c.decodeIfPresent(BoostedTrees.self, forKey: .trees)
        intercept = try c.decode(Double.self, forKey: .intercept)
        threshold = try c.decode(Double.self, forKey: .threshold)
        clearThreshold = try c.decode(Double.self, forKey: .clearThreshold)
        contextCap = try c.decodeIfPresent(ContextCap.self, forKey: .contextCap)
    }

    /// The logit of "beep" for `measurements`. Allocates nothing.
    public func logit(_ measurements: TrackMeasurements) -> Double {
        var sum = linearLogit(measurements)
        if let trees { sum += withTreeInputs(measurements) { trees.sum($0) } }
        return sum
    }

    /// The logit of "beep" for the tone alone: `measurements` with the context measurements set to the values a
    /// beep's typically have (``ContextCap/reference``), so that only what was measured of the tone itself counts.
    /// Equal to ``logit(_:)`` when the model has no ``contextCap``. Allocates nothing.
    public func toneLogit(_ measurements: TrackMeasurements) -> Double {
        guard let contextCap else { return logit(measurements) }
        return logit(Self.typical(measurements, contextCap))
    }

    /// The logit with the context's veto capped: ``logit(_:)``, or, when the tone alone (``toneLogit(_:)``) scores
    /// higher by more than ``ContextCap/maxVeto``, that score less the cap. What was said before a clear tone can
    /// then lower its logit by at most the cap, so a tone clear enough on its own is not turned down for the voice
    /// or language that came before it. Allocates nothing.
    public func cappedLogit(_ measurements: TrackMeasurements) -> Double {
        guard let contextCap else { return logit(measurements) }
        let typical = Self.typical(measurements, contextCap)
        // The same two logits as logit(_:) and toneLogit(_:), bit for bit, with the trees walked once for both.
        var full = linearLogit(measurements)
        var tone = linearLogit(typical)
        if let trees {
            let sums = withTreeInputs(measurements) { first in
                withTreeInputs(typical) { second in trees.sums(first, second) }
            }
            full += sums.first
            tone += sums.second
        }
        return max(full, tone - contextCap.maxVeto)
    }

    /// The intercept plus the weighted sum of the standardised measurements.
    private func linearLogit(_ measurements: TrackMeasurements) -> Double {
        var sum = intercept
        for index in coefficients.indices {
            sum += coefficients[index] * (measurements[features[index]] - mean[index]) / scale[index]
        }
        return sum
    }

    /// `measurements` with the context measurements of `contextCap` set to their typical beep values.
    private static func typical(_ measurements: TrackMeasurements, _ contextCap: ContextCap) -> TrackMeasurements {
        var typical = measurements
        for index in contextCap.features.indices { typical[contextCap.features[index]] = contextCap.reference[index] }
        return typical
    }

    /// Calls `body` with the trees' inputs for `measurements`: each feature in ``features`` order, rounded to single
    /// precision as the trees compare it, in a buffer on the stack.
    private func withTreeInputs<Result>(
        _ measurements: TrackMeasurements, _ body: (UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: features.count) { inputs in
            for index in features.indices {
                inputs.initializeElement(at: index, to: Double(Float(measurements[features[index]])))
            }
            return body(UnsafeBufferPointer(inputs))
        }
    }

    /// Checks that every array matches the feature list and every number is usable; the error names the field.
    public func validate(path: String) throws(ModelError) {
        let count = features.count
        guard count > 0 else { throw .invalidField(field: "\(path).features", reason: "must not be empty") }
        guard Set(features).count == count else {
            throw .invalidField(field: "\(path).features", reason: "must not repeat a feature")
        }
        guard !coefficients.isEmpty || trees != nil else {
            throw .invalidField(field: "\(path).coefficients", reason: "must be given when there are no trees")
        }
        try trees?.validate(path: "\(path).trees", featureCount: count)
        let linear = !(mean.isEmpty && scale.isEmpty && coefficients.isEmpty)
        for (name, array) in [("mean", mean), ("scale", scale), ("coefficients", coefficients)] where linear {
            guard array.count == count else {
                throw .invalidField(field: "\(path).\(name)", reason: "must have \(count) values, one per feature")
            }
            if let bad = array.firstIndex(where: { !$0.isFinite }) {
                throw .invalidField(field: "\(path).\(name)[\(bad)]", reason: "must be finite")
            }
        }
        if let bad = scale.firstIndex(where: { $0 <= 0 }) {
            throw .invalidField(field: "\(path).scale[\(bad)]", reason: "must be > 0")
        }
        for (name, value) in [("intercept", intercept), ("threshold", threshold), ("clear_threshold", clearThreshold)]
        where !value.isFinite {
            throw .invalidField(field: "\(path).\(name)", reason: "must be finite")
        }
        try contextCap?.validate(path: "\(path).context_cap")
    }
}
