/// Tones that telephone networks and terminals send which are not voicemail beeps, by frequency.
///
/// A beep can be at any frequency, so a match here does not reject a tone by itself: it makes the detector look
/// at the tone's context (duration, cadence, what follows, whether anyone spoke before) before deciding.
public enum SignallingTones {
    /// What a frequency, or a pair of frequencies, may be.
    public enum Match: Sendable, Hashable {
        /// Not a known signalling frequency.
        case none
        /// A DTMF digit: one low-group and one high-group tone together.
        case dtmf
        /// A two-tone call-progress signal (ringback, busy, dial tone): the pair itself is the evidence.
        case callProgressPair
        /// A single-frequency call-progress tone (CEPT 425 Hz, UK 400 Hz, 440/450 Hz ringback or call waiting).
        case callProgressSingle
        /// First segment of a special information tone (913.8 or 985.2 Hz).
        case sitFirst
        /// Second or third segment of a special information tone (1370.6, 1428.5 or 1776.7 Hz).
        case sitLater
        /// Fax calling tone CNG, 1100 Hz.
        case faxCalling
        /// Fax or modem answer tone: CED 2100 Hz, Bell 2225 Hz.
        case answerTone
    }

    /// Relative tolerance of a frequency match (±1.5 %, as call-progress receivers accept).
    public static let tolerance = 0.015
    /// Relative tolerance of each tone of a DTMF pair (±2.5 %: receivers must accept ±1.5 % and reject ±3.5 %).
    public static let dtmfTolerance = 0.025
    /// Relative tolerance of each tone of a call-progress pair (±3 %: the pairs are matched by frequency alone).
    public static let progressPairTolerance = 0.03

    // Nominal frequencies, in Hz.
    static let dtmfLow: [Double] = [697, 770, 852, 941]
    static let dtmfHigh: [Double] = [1209, 1336, 1477, 1633]
    static let progressPairs: [(Double, Double)] = [(350, 440), (440, 480), (400, 450), (480, 620), (350, 450)]
    static let progressSingles: [Double] = [400, 425, 440, 450]
    static let sitFirst: [Double] = [913.8, 985.2]
    static let sitLater: [Double] = [1370.6, 1428.5, 1776.7]
    static let faxCalling: [Double] = [1100]
    static let answerTones: [Double] = [2100, 2225]

    /// Classifies a tone of `frequencyHz`, with `secondHz` the frequency of a simultaneous second tone (0 if none).
    public static func classify(frequencyHz: Double, secondHz: Double) -> Match {
        if secondHz > 0 {
            let low = min(frequencyHz, secondHz)
            let high = max(frequencyHz, secondHz)
            if matches(low, dtmfLow, tolerance: dtmfTolerance) && matches(high, dtmfHigh, tolerance: dtmfTolerance) {
                return .dtmf
            }
            for (a, b) in progressPairs
            where near(low, a, tolerance: progressPairTolerance) && near(high, b, tolerance: progressPairTolerance) {
                return .callProgressPair
            }
        }
        if matches(frequencyHz, progressSingles, tolerance: tolerance) { return .callProgressSingle }
        if matches(frequencyHz, sitFirst, tolerance: tolerance) { return .sitFirst }
        if matches(frequencyHz, sitLater, tolerance: tolerance) { return .sitLater }
        if matches(frequencyHz, faxCalling, tolerance: tolerance) { return .faxCalling }
        if matches(frequencyHz, answerTones, tolerance: tolerance) { return .answerTone }
        return .none
    }

    /// Whether `frequencyHz` lies within ``dtmfTolerance`` of one of DTMF's eight row or column frequencies: a digit
    /// whose partner tone was lost (to twist, a handset's filter or a codec) shows as one tone at such a frequency.
    public static func isDTMFComponent(frequencyHz: Double) -> Bool {
        matches(frequencyHz, dtmfLow, tolerance: dtmfTolerance)
            || matches(frequencyHz, dtmfHigh, tolerance: dtmfTolerance)
    }

    /// Whether `frequencyHz` lies within `tolerance` (relative) of a single-frequency signalling tone's nominal
    /// value: call progress (400, 425, 440, 450 Hz), fax CNG (1100 Hz) or answer tone (2100, 2225 Hz).
    public static func isNominal(frequencyHz: Double, tolerance: Double) -> Bool {
        matches(frequencyHz, progressSingles, tolerance: tolerance)
            || matches(frequencyHz, faxCalling, tolerance: tolerance)
            || matches(frequencyHz, answerTones, tolerance: tolerance)
    }

    static func near(_ value: Double, _ reference: Double, tolerance: Double) -> Bool {
        abs(value - reference) <= reference * tolerance
    }

    static func matches(_ value: Double, _ references: [Double], tolerance: Double) -> Bool {
        references.contains { near(value, $0, tolerance: tolerance) }
    }
}
