/// Who (or what) answered a call, as the ``AnswerClassifier`` decides it once per call.
///
/// The raw values are the stable words the JSON outputs carry.
public enum AnsweredBy: String, Sendable, Hashable, CaseIterable {
    /// A person: a short greeting ("Hello?") and then silence, waiting for the caller.
    case human
    /// An answering machine or voicemail: a long greeting, or a beep.
    case machine
    /// A fax machine (or modem): its calling or answer tone.
    case fax
    /// Nothing decidable was heard before the timeout or the stream's end.
    case unknown
}
