/// Why a tone that looked like a beep was not reported; the daemon logs these at debug level.
public struct ToneRejection: Sendable, Hashable, CustomStringConvertible {
    /// The reasons a candidate tone is rejected.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The classifier (MFCC statistics, Gaussian NB) found the sound more like speech, music or noise.
        case notBeepLike = "classifier"
        /// The tone was far quieter than the speech on the line: a note of background music under a voice.
        case faint
        /// The frequency wandered more than a beep's (a voice, an instrument's vibrato).
        case unstableFrequency = "unstable_frequency"
        /// The level beats like two close tones (ringback, dial tone) or warbles.
        case beating
        /// A DTMF digit.
        case dtmf
        /// A call-progress tone (ringback, busy, dial tone, call waiting).
        case callProgress = "call_progress"
        /// A special information tone (SIT) triplet.
        case sit
        /// A fax or modem tone (CNG, CED, answer tone).
        case fax
        /// The tone lasted longer than any beep.
        case tooLong = "too_long"
        /// The tone was already sounding when the stream began, so its onset is unknown.
        case onsetUnseen = "onset_unseen"
        /// Nobody had spoken yet: a beep follows a greeting, while ringback, SIT and fax tones come before anyone.
        case noGreeting = "no_greeting"
        /// The same tone sounded earlier in the call: a cadence, not a beep.
        case repeated
        /// The tone took over from another one within a few frames: a melody or a word, not a beep's start.
        case succession
        /// A short, unclear tone was followed by more speech: a voice's held harmonic.
        case speechAround = "speech_around"
        /// A beep was reported on this stream moments ago.
        case refractory
    }

    /// Why the tone was rejected.
    public var reason: Reason
    /// Stream time of the decision, in milliseconds.
    public var atMs: Int64
    /// Stream time at which the tone began, in milliseconds.
    public var onsetMs: Int64
    /// The tone's frequency, in Hz.
    public var frequencyHz: Double
    /// A measured value behind the decision (the classifier's beep log-odds, the spread in Hz, …).
    public var detail: Double

    /// One log line: the reason, the times in stream milliseconds, the frequency and the detail.
    public var description: String {
        "tone rejected: \(reason.rawValue) at \(atMs) ms (onset \(onsetMs) ms, \(Int(frequencyHz.rounded())) Hz, "
            + "detail \(detail))"
    }
}
