/// The answer decision of one call: who answered, when it was decided, how sure, and why. Made once, never revised.
public struct AnswerDecision: Sendable, Hashable {
    /// Who answered.
    public var answeredBy: AnsweredBy
    /// Stream time at which the decision was made, in milliseconds.
    public var decidedMs: Int64
    /// How sure the classifier is, from 0 to 1 (0 for ``AnsweredBy/unknown``).
    public var confidence: Double
    /// Why it decided so.
    public var cause: AnswerCause
    /// Stream time of the first speech after call-progress tones, in milliseconds; nil when no speech was heard.
    /// `decidedMs - speechOnsetMs` is how long the decision took once someone spoke.
    public var speechOnsetMs: Int64?

    /// Creates a decision from its fields.
    public init(
        answeredBy: AnsweredBy,
        decidedMs: Int64,
        confidence: Double,
        cause: AnswerCause,
        speechOnsetMs: Int64? = nil
    ) {
        self.answeredBy = answeredBy
        self.decidedMs = decidedMs
        self.confidence = confidence
        self.cause = cause
        self.speechOnsetMs = speechOnsetMs
    }
}
