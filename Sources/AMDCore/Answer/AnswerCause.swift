/// Why the ``AnswerClassifier`` decided as it did: a short stable word for logs, dashboards and diallers.
public enum AnswerCause: String, Sendable, Hashable, CaseIterable {
    /// A short utterance followed by silence: a person waiting for the caller to speak.
    case shortGreetingThenSilence = "short_greeting_then_silence"
    /// Speech that went on, with no pause long enough for a reply, past what a person says on answering.
    case longGreeting = "long_greeting"
    /// A voicemail beep came before any other evidence.
    case beep
    /// A fax calling tone (CNG), answer tone (CED, 2225 Hz) or V.21 signal held long enough.
    case faxTone = "fax_tone"
    /// No speech and no fax tone within the answer timeout.
    case timeout
    /// The stream ended before anything decidable was heard.
    case streamEnded = "stream_ended"
}
