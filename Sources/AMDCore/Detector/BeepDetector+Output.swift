extension BeepDetector {
    /// What the detector tells its caller as it goes, in stream order: the beeps, who answered and how a machine's
    /// greeting ended, and for logs and training the tones it turned down and the tones it scored.
    public enum Output: Sendable, Hashable {
        /// A voicemail beep: what the controller acts on.
        case beep(BeepEvent)
        /// A beep-like tone that was not reported, with the reason (the daemon logs these at debug level).
        case rejection(ToneRejection)
        /// A steady tone the track classifier scored, with its measurements (the rows that fit the classifier). It
        /// comes before the beep or rejection that scoring led to.
        case candidate(TrackCandidate)
        /// Who answered the call: made once per call, as soon as the evidence allows.
        case answer(AnswerDecision)
        /// How a machine's greeting ended (a beep, silence, or something else): once, on calls decided `machine`.
        case machineEnd(MachineEnd)

        /// The beep, for a ``beep(_:)`` output; nil otherwise.
        public var beep: BeepEvent? {
            if case .beep(let event) = self { return event }
            return nil
        }

        /// The rejection, for a ``rejection(_:)`` output; nil otherwise.
        public var rejection: ToneRejection? {
            if case .rejection(let rejection) = self { return rejection }
            return nil
        }

        /// The candidate, for a ``candidate(_:)`` output; nil otherwise.
        public var candidate: TrackCandidate? {
            if case .candidate(let candidate) = self { return candidate }
            return nil
        }

        /// The answer decision, for an ``answer(_:)`` output; nil otherwise.
        public var answer: AnswerDecision? {
            if case .answer(let decision) = self { return decision }
            return nil
        }

        /// The machine's end, for a ``machineEnd(_:)`` output; nil otherwise.
        public var machineEnd: MachineEnd? {
            if case .machineEnd(let end) = self { return end }
            return nil
        }

        /// The same output with its tone's onset `delayMs` milliseconds earlier (not before the stream's start): how
        /// a pipeline that delays the audio (a resampler) maps it back to its input's time.
        public func movingOnset(earlierByMs delayMs: Int64) -> Output {
            switch self {
            case .beep(var event):
                event.onsetMs = max(0, event.onsetMs - delayMs)
                return .beep(event)
            case .rejection(var rejection):
                rejection.onsetMs = max(0, rejection.onsetMs - delayMs)
                return .rejection(rejection)
            case .candidate(var candidate):
                candidate.onsetMs = max(0, candidate.onsetMs - delayMs)
                return .candidate(candidate)
            case .answer(var decision):
                decision.speechOnsetMs = decision.speechOnsetMs.map { max(0, $0 - delayMs) }
                return .answer(decision)
            case .machineEnd:
                return self
            }
        }
    }
}
