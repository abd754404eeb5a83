extension TrackClassifier {
    /// A limit on how far a tone's surroundings may veto it, and what makes a tone clean enough for the limit.
    ///
    /// The classifier weighs what was measured of the tone itself (purity, steadiness, frequency, level, timbre)
    /// together with its context (how much the call said before it, what came just before it). Fitted on greetings
    /// of a few voices and languages, it learns context that is true of them and not of the world: a clear beep after
    /// a greeting in an unseen voice then scores just under its threshold. The cap scores the tone once more with its
    /// context measurements set to the values a beep's typically have, and lets the real context lower that score by
    /// at most ``maxVeto``. A tone that passes only thanks to the cap still has to prove itself by what follows it
    /// (the detector then waits for quiet), since a voice's held harmonic can be as clear as a beep.
    ///
    /// The cap applies only to clean tones (``isClean(_:)``): pure, and steady from frame to frame as no voice is. It
    /// works both ways: a tone that is not clean is never reported on the classifier's word alone either, whatever
    /// the voice before it made the classifier think; it must be followed by quiet.
    public struct ContextCap: Sendable, Hashable, Codable {
        /// The context measurements: those that describe the call around the tone rather than the tone.
        public var features: [Feature]
        /// For each of ``features``, its typical value on a beep track (the median over the training beeps).
        public var reference: [Double]
        /// Most the context may lower the logit below the tone's own score, in logit units (natural log of odds).
        public var maxVeto: Double
        /// How far above the threshold the logit of a tone that is not clean must be for it to be reported at its
        /// first look, in logit units; under it the tone is judged again once it has lasted longer.
        public var uncleanMargin: Double
        /// Least mean purity of a clean tone (0...1).
        public var minPurity: Double
        /// Largest spread of a clean tone's frequency around its trend, in thousandths of the frequency.
        public var maxSpreadPermille: Double
        /// Largest frame-to-frame frequency jitter of a clean tone, in thousandths of the frequency.
        public var maxJitterPermille: Double

        /// Creates a cap on the context `features`, with their typical beep values `reference`, for tones at least
        /// `minPurity` pure, spreading and jittering at most `maxSpreadPermille` and `maxJitterPermille`.
        public init(
            features: [Feature],
            reference: [Double],
            maxVeto: Double,
            uncleanMargin: Double = 2,
            minPurity: Double = 0.9,
            maxSpreadPermille: Double = 1.5,
            maxJitterPermille: Double = 1.5
        ) {
            self.features = features
            self.reference = reference
            self.maxVeto = maxVeto
            self.uncleanMargin = uncleanMargin
            self.minPurity = minPurity
            self.maxSpreadPermille = maxSpreadPermille
            self.maxJitterPermille = maxJitterPermille
        }

        private enum CodingKeys: String, CodingKey {
            case features, reference
            case maxVeto = "max_veto"
            case uncleanMargin = "unclean_margin"
            case minPurity = "min_purity"
            case maxSpreadPermille = "max_spread_permille"
            case maxJitterPermille = "max_jitter_permille"
        }

        /// Reads a cap; the clean-tone limits take their defaults when absent.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let features = try c.decode([Feature].self, forKey: .features)
            let reference = try c.decode([Double].self, forKey: .reference)
            let maxVeto = try c.decode(Double.self, forKey: .maxVeto)
            self.init(features: features, reference: reference, maxVeto: maxVeto)
            uncleanMargin = try c.decodeIfPresent(Double.self, forKey: .uncleanMargin) ?? uncleanMargin
            minPurity = try c.decodeIfPresent(Double.self, forKey: .minPurity) ?? minPurity
            maxSpreadPermille = try c.decodeIfPresent(Double.self, forKey: .maxSpreadPermille) ?? maxSpreadPermille
            maxJitterPermille = try c.decodeIfPresent(Double.self, forKey: .maxJitterPermille) ?? maxJitterPermille
        }

        /// Whether a tone is clean: pure, and steady from frame to frame as a generator is and a voice is not.
        public func isClean(_ measurements: TrackMeasurements) -> Bool {
            measurements.purity >= minPurity && measurements.spreadPermille <= maxSpreadPermille
                && measurements.jitterPermille <= maxJitterPermille
        }

        /// Checks the lists agree and every number is usable; the error names the field under `path`.
        public func validate(path: String) throws(ModelError) {
            guard !features.isEmpty else { throw .invalidField(field: "\(path).features", reason: "must not be empty") }
            guard Set(features).count == features.count else {
                throw .invalidField(field: "\(path).features", reason: "must not repeat a feature")
            }
            guard reference.count == features.count else {
                throw .invalidField(
                    field: "\(path).reference",
                    reason: "must have \(features.count) values, one per feature"
                )
            }
            if let bad = reference.firstIndex(where: { !$0.isFinite }) {
                throw .invalidField(field: "\(path).reference[\(bad)]", reason: "must be finite")
            }
            guard maxVeto.isFinite && maxVeto >= 0 else {
                throw .invalidField(field: "\(path).max_veto", reason: "must be finite and >= 0")
            }
            guard uncleanMargin.isFinite && uncleanMargin >= 0 else {
                throw .invalidField(field: "\(path).unclean_margin", reason: "must be finite and >= 0")
            }
            guard (0...1).contains(minPurity) else {
                throw .invalidField(field: "\(path).min_purity", reason: "must be in 0...1")
            }
            let limits = [("max_spread_permille", maxSpreadPermille), ("max_jitter_permille", maxJitterPermille)]
            for (name, value) in limits where !(value.isFinite && value >= 0) {
                throw .invalidField(field: "\(path).\(name)", reason: "must be finite and >= 0")
            }
        }
    }
}
