/// A deferred tone waiting for what follows it.
struct PendingTone: Sendable {
    /// The tone, ended.
    var track: ToneTrack
    /// Frame at which it is reported if nothing contradicts it.
    var decideAt: Int64
    /// Reported only if the stream stays free of speech until then (a beep is followed by the recording's silence).
    var needsQuiet = false
    /// Voiced, non-tonal frames seen since the tone ended.
    var voicedFrames = 0
    /// Band level (dB) above which a voiced frame counts in ``voicedFrames``; fainter sound is the background the
    /// tone stood out from.
    var loudDb = -Double.infinity
}

/// The last few tones judged on a stream, to recognise cadences (the same tone again and again), plus the one
/// deferred tone, if any. Fixed size: a ring of eight.
struct RecentTones: Sendable {
    private var frequencies = [Double](repeating: 0, count: 8)
    private var lastFrames = [Int64](repeating: Int64.min / 2, count: 8)
    /// The stream's count of speech windows when each tone was remembered.
    private var speechMarks = [Int](repeating: 0, count: 8)
    private var next = 0
    /// The deferred tone waiting for its decision.
    var pending: PendingTone?

    /// Remembers a judged tone, heard when the stream had `speechWindows` windows of speech.
    mutating func remember(_ track: ToneTrack, speechWindows: Int) {
        frequencies[next] = track.meanFrequencyHz
        lastFrames[next] = track.lastFrame
        speechMarks[next] = speechWindows
        next = (next + 1) % frequencies.count
    }

    /// Whether a tone within 2 % of `frequencyHz` was judged and still sounding at or after frame `since`, with fewer
    /// than `speechBetween` windows of speech since then: a network's cadence repeats over silence, while a greeting
    /// between ringback and a beep at the ringback's pitch breaks it.
    func contains(frequencyHz: Double, since: Int64, speechWindows: Int, speechBetween: Int) -> Bool {
        for i in frequencies.indices where lastFrames[i] >= since && speechWindows - speechMarks[i] < speechBetween {
            if abs(frequencies[i] - frequencyHz) <= 0.02 * frequencyHz { return true }
        }
        return false
    }
}
