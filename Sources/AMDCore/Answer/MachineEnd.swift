/// How an answering machine's greeting ended: the moment a caller can start its message. Reported once, on calls
/// decided ``AnsweredBy/machine``.
public struct MachineEnd: Sendable, Hashable {
    /// What ended the greeting.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// A voicemail beep (the beep event itself says when and at what frequency).
        case beep
        /// The greeting stopped and the no-beep timeout passed in silence.
        case silence
        /// The stream ended, or something other than silence or a beep followed (a busy tone, say).
        case other
    }

    /// What ended the greeting.
    public var outcome: Outcome
    /// Stream time at which the end was established, in milliseconds.
    public var ms: Int64

    /// Creates an end from its fields.
    public init(outcome: Outcome, ms: Int64) {
        self.outcome = outcome
        self.ms = ms
    }
}
