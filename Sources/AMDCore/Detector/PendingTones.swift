/// Tones that ended before they could be decided, waiting for what follows them: a short unclear tone for the quiet
/// after it, a tone at a call-progress frequency for its cadence, a SIT's first segment for the rest of the triplet.
///
/// A state machine as a value: it is told when a track ends and fed each frame, and returns a ``Decision`` for the
/// ``BeepDetector`` to carry out. At most one tone waits at a time; a newer one takes the older one's place.
struct PendingTones: Sendable {
    /// What to do about a tone that ended or was waiting.
    enum Decision: Sendable {
        /// Nothing yet.
        case none
        /// Not a beep, for `reason`; `detail` is the measured value behind it.
        case reject(ToneTrack, ToneRejection.Reason, detail: Double)
        /// A SIT's first segment was followed by a later one at `laterHz`: not a beep, and tones at SIT frequencies
        /// soon after are the rest of the triplet.
        case sitTriplet(ToneTrack, laterHz: Double)
        /// Its wait passed without contradiction: a beep unless the whole tone proves faint.
        case settle(ToneTrack)
        /// It ended at a duration no signalling tone has: a beep, scored on its measurements.
        case score(ToneTrack)
    }

    /// A tone waiting for its decision.
    private struct Waiting: Sendable {
        /// The tone, ended.
        var track: ToneTrack
        /// Frame at which it is settled if nothing contradicts it.
        var decideAt: Int64
        /// Settled only if the stream stays free of speech until then (a beep is followed by the recording's
        /// silence).
        var needsQuiet: Bool
        /// Voiced, non-tonal frames seen since the tone ended.
        var voicedFrames = 0
        /// Band level (dB) above which a voiced frame counts in ``voicedFrames``; fainter sound is the background the
        /// tone stood out from.
        var loudDb = -Double.infinity
    }

    /// Frames within which the next segment of a SIT follows the one before (80 ms at the 10 ms hop; the segments
    /// are back to back).
    static let sitSegmentGapFrames: Int64 = 8
    /// Relative distance within which a tone repeats a waiting call-progress tone (±2 %).
    static let repeatTolerance = 0.02
    /// Added to a track's span, from its first to its last tonal frame, to estimate the tone's duration, in ms: the
    /// windows of those frames show the tone only once it fills part of them, which hides a little at each end.
    static let durationPaddingMs: Int64 = 20
    /// Durations at which a tone at 1100 Hz is a fax calling tone (CNG: 0.5 s of tone every 3.5 s), in ms.
    static let faxCallingDurationMs: ClosedRange<Int64> = 350...750

    private var waiting: Waiting?
    private let configuration: BeepDetector.Configuration
    private let clock: FrameClock
    private let quietAfterFrames: Int64
    private let cadenceGapFrames: Int64
    private let cadenceHoldFrames: Int64

    /// Creates an empty waiting list with `configuration`'s waits, in frames of `clock`.
    init(configuration: BeepDetector.Configuration, clock: FrameClock) {
        self.configuration = configuration
        self.clock = clock
        quietAfterFrames = clock.frames(ms: configuration.quietAfterMs)
        cadenceGapFrames = clock.frames(ms: configuration.cadenceGapMs)
        cadenceHoldFrames = clock.frames(ms: configuration.cadenceHoldMs)
    }

    /// Whether a tone is waiting (the front end must then keep analysing frames).
    var isWaiting: Bool { waiting != nil }

    /// A track ended at frame `now` (its tone stopped, or another tone began). A watched track now waits for quiet;
    /// a deferred one is decided by its duration, or waits for what follows.
    /// - Parameter speechRecognised: whether the classifier has recognised enough speech that the call is past its
    ///   network tones; a call-progress-frequency tone then waits only for a cadence, since the caller's message may
    ///   follow a beep at once.
    mutating func trackEnded(_ ended: ToneTrack, at now: Int64, speechRecognised: Bool) -> Decision {
        if ended.state == .watching {
            // Too short to be judged on its own: a beep if the line goes quiet after it.
            // Sound within `quiet_margin_db` of the tone's level carries on from it; fainter sound is the line noise or
            // music bed the tone stood out from.
            waiting = Waiting(
                track: ended,
                decideAt: now + quietAfterFrames,
                needsQuiet: true,
                loudDb: ended.meanLevelDb - configuration.quietMarginDb
            )
            return .none
        }
        guard ended.state == .deferred else { return .none }
        let durationMs = clock.milliseconds(frame: ended.spanFrames) + Self.durationPaddingMs
        switch ended.signalling {
        case .answerTone where durationMs > Int64(configuration.maxBeepMs):
            return .reject(ended, .tooLong, detail: Double(durationMs))
        case .faxCalling
        where configuration.rejectFaxCallingTone && Self.faxCallingDurationMs.contains(durationMs):
            return .reject(ended, .fax, detail: Double(durationMs))
        case .callProgressSingle where durationMs >= Int64(configuration.ringbackMinMs):
            return .reject(ended, .callProgress, detail: Double(durationMs))
        case .sitFirst, .callProgressSingle:
            // Wait to see what follows: the rest of a SIT triplet, or the same tone again (a cadence).
            let isSIT = ended.signalling == .sitFirst
            let wait = isSIT ? Self.sitSegmentGapFrames : (speechRecognised ? cadenceGapFrames : cadenceHoldFrames)
            waiting = Waiting(track: ended, decideAt: now + wait, needsQuiet: isSIT || !speechRecognised)
            return .none
        default:
            return .score(ended)
        }
    }

    /// Counts a voiced, non-tonal frame of band level `bandEnergyDb` against the waiting tone, if loud enough to be a
    /// voice or melody carrying on from it.
    mutating func observeVoiced(bandEnergyDb: Double) {
        guard let loudDb = waiting?.loudDb, bandEnergyDb > loudDb else { return }
        waiting?.voicedFrames += 1
    }

    /// Settles the waiting tone at frame `now` if its wait is over, or if `current`, the tone now sounding,
    /// contradicts it.
    mutating func resolve(now: Int64, current: ToneTrack?) -> Decision {
        guard let pending = waiting else { return .none }
        if let current, current.firstFrame > pending.track.lastFrame {
            let follows = current.firstFrame - pending.track.lastFrame <= Self.sitSegmentGapFrames
            if pending.track.signalling == .sitFirst, follows,
                SignallingTones.classify(frequencyHz: current.lastFrequencyHz, secondHz: 0) == .sitLater
            {
                waiting = nil
                return .sitTriplet(pending.track, laterHz: current.lastFrequencyHz)
            }
            if pending.track.signalling == .callProgressSingle,
                SignallingTones.near(
                    current.lastFrequencyHz, pending.track.meanFrequencyHz, tolerance: Self.repeatTolerance)
            {
                waiting = nil
                return .reject(pending.track, .repeated, detail: 0)
            }
        }
        guard now >= pending.decideAt else { return .none }
        waiting = nil
        if pending.needsQuiet && pending.voicedFrames > configuration.maxVoicedAfter {
            return .reject(pending.track, .speechAround, detail: Double(pending.voicedFrames))
        }
        return .settle(pending.track)
    }
}
