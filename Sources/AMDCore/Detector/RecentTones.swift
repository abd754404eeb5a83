/// The last few tones judged on a stream, to recognise cadences (the same tone again and again), and the time up to
/// which tones at SIT frequencies are the rest of a SIT triplet already heard. Fixed size: a ring of
/// ``capacity`` tones.
struct RecentTones: Sendable {
    /// Tones remembered; the oldest is forgotten first.
    static let capacity = 8
    /// Relative distance within which a tone repeats a remembered one (±2 %).
    static let cadenceTolerance = 0.02
    /// How long after a SIT segment is recognised further tones at SIT frequencies are taken for the rest of its
    /// triplet, in frames: 2 s at the 10 ms hop, past the three segments of at most 380 ms and their gaps.
    static let sitTripletFrames: Int64 = 200
    /// How long after a DTMF digit a lone tone at a DTMF row or column frequency is taken for the next digit with
    /// its partner tone lost, in frames: 5 s at the 10 ms hop. Digits are keyed in strings, a fraction of a second
    /// apart, and strings a few seconds apart between prompts; a voicemail beep does not follow keyed digits.
    static let dtmfStringFrames: Int64 = 500
    /// Frame index of a slot never filled: far enough before any frame that no cadence window reaches it, and far
    /// enough from `Int64.min` that subtracting from it cannot overflow.
    private static let neverFrame = Int64.min / 2

    private var frequencies = [Double](repeating: 0, count: Self.capacity)
    private var lastFrames = [Int64](repeating: Self.neverFrame, count: Self.capacity)
    /// The stream's count of speech windows when each tone was remembered.
    private var speechMarks = [Int](repeating: 0, count: Self.capacity)
    private var next = 0
    /// Last frame of the SIT triplet heard most recently; -1 before any.
    private var sitUntilFrame: Int64 = -1

    /// Last frame of the DTMF string heard most recently; -1 before any.
    private var dtmfUntilFrame: Int64 = -1

    /// An empty memory.
    init() {}

    /// Remembers a judged tone, heard when the stream had `speechWindows` windows of speech.
    mutating func remember(_ track: ToneTrack, speechWindows: Int) {
        frequencies[next] = track.meanFrequencyHz
        lastFrames[next] = track.lastFrame
        speechMarks[next] = speechWindows
        next = (next + 1) % Self.capacity
    }

    /// Whether a tone within 2 % of `frequencyHz` was judged and still sounding at or after frame `since`, with fewer
    /// than `speechBetween` windows of speech since then: a network's cadence repeats over silence, while a greeting
    /// between ringback and a beep at the ringback's pitch breaks it.
    func contains(frequencyHz: Double, since: Int64, speechWindows: Int, speechBetween: Int) -> Bool {
        for i in frequencies.indices where lastFrames[i] >= since && speechWindows - speechMarks[i] < speechBetween {
            if abs(frequencies[i] - frequencyHz) <= Self.cadenceTolerance * frequencyHz { return true }
        }
        return false
    }

    /// Notes that a SIT segment was recognised at frame `now`: tones at SIT frequencies until ``sitTripletFrames``
    /// later are the rest of its triplet.
    mutating func heardSIT(at now: Int64) {
        sitUntilFrame = now + Self.sitTripletFrames
    }

    /// Whether frame `now` falls within a SIT triplet heard before.
    func isInSIT(at now: Int64) -> Bool { now <= sitUntilFrame }

    /// Notes that a DTMF digit was recognised at frame `now`: lone tones at DTMF frequencies until
    /// ``dtmfStringFrames`` later are digits of the same keyed string.
    mutating func heardDTMF(at now: Int64) {
        dtmfUntilFrame = now + Self.dtmfStringFrames
    }

    /// Whether frame `now` falls within a string of DTMF digits heard before.
    func isInDTMFString(at now: Int64) -> Bool { now <= dtmfUntilFrame }
}
