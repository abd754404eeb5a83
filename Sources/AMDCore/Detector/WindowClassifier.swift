#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The model's MFCC classifier (a Gaussian NB) applied to the statistics of the frame analyser's recent frames.
///
/// Answers the detector's two questions about a stretch of audio: what a context window outside tones carries
/// (speech, music or something else), and how much more a tone's frames look like the tonal classes than the
/// others. Owns the feature and posterior buffers, sized at init, so neither question allocates.
struct WindowClassifier: Sendable {
    /// What a context window carries, as far as the greeting rules care.
    enum Kind: Sendable, Hashable {
        /// The classifier's most likely class is `speech`.
        case speech
        /// The classifier's most likely class is `music`.
        case music
        /// Any other class (noise, tones, silence).
        case other
    }

    /// Whether the model has a `speech` class; without one no window is ever ``Kind/speech``.
    let hasSpeechClass: Bool

    private let classifier: GaussianNB
    /// The classifier's feature-independent terms, computed once rather than for every window.
    private let classTerms: [Double]
    private var features: [Double]
    private var posterior: [Double]
    private let tonalClassMask: [Bool]
    private let speechClass: Int?
    private let musicClass: Int?

    /// Creates the classifier of `model`, with buffers for its feature dimension and classes.
    init(model: BeepModel) {
        classifier = model.classifier
        classTerms = model.classifier.featureIndependentTerms()
        features = [Double](repeating: 0, count: model.features.dimension)
        posterior = [Double](repeating: 0, count: model.classifier.classes.count)
        tonalClassMask = model.classifier.classes.map { model.tonalClasses.contains($0) }
        speechClass = model.classifier.classes.firstIndex(of: "speech")
        musicClass = model.classifier.classes.firstIndex(of: "music")
        hasSpeechClass = speechClass != nil
    }

    /// The kind of the window `frames` holds: the most likely class over its context statistics (the first of equals).
    mutating func kind(of frames: FrameAnalyzer) -> Kind {
        predict(frames)
        var best = 0
        for index in posterior.indices where posterior[index] > posterior[best] { best = index }
        if best == speechClass { return .speech }
        if best == musicClass { return .music }
        return .other
    }

    /// Log-odds of the tonal classes against the others over the frames `frames` holds (those since a track began).
    mutating func tonalLogOdds(of frames: FrameAnalyzer) -> Double {
        predict(frames)
        var tonal = -Double.infinity
        var other = -Double.infinity
        for (index, logP) in posterior.enumerated() {
            if tonalClassMask[index] { tonal = Self.logAdd(tonal, logP) } else { other = Self.logAdd(other, logP) }
        }
        return tonal - other
    }

    /// Fills ``posterior`` with the log-probabilities of each class for the context statistics of `frames`.
    private mutating func predict(_ frames: FrameAnalyzer) {
        features.withUnsafeMutableBufferPointer { frames.contextFeatures(into: $0) }
        features.withUnsafeBufferPointer { x in
            classTerms.withUnsafeBufferPointer { terms in
                posterior.withUnsafeMutableBufferPointer { classifier.predictLogProba(x, classTerms: terms, into: $0) }
            }
        }
    }

    /// log(eᵃ + eᵇ), without overflow, with −∞ as the identity.
    private static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let high = max(a, b)
        return high + log(exp(a - high) + exp(b - high))
    }
}
