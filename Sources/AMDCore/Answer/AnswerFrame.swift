/// What one analysis frame (10 ms) carried, as far as the answer decision cares; the detector fills it from what it
/// already measured (the VAD and the tone analysis), so the answer decision costs no extra signal processing.
public struct AnswerFrame: Sendable, Hashable {
    /// The kind of sound in a frame.
    public enum Sound: Sendable, Hashable {
        /// Nothing the VAD calls voiced: silence or steady noise.
        case quiet
        /// Voiced sound that is not a network tone: speech, or music, or a beep.
        case voice
        /// A call-progress, special-information or DTMF tone: the network's, not the answerer's.
        case signalling
        /// A fax or modem tone (CNG 1100 Hz, CED 2100 Hz, 2225 Hz, V.21 1650/1850 Hz).
        case faxTone
    }

    /// The kind of sound in the frame.
    public var sound: Sound
    /// The frame's level in the 250–3500 Hz band, in dB relative to a full-scale sine; nil when the analysis skipped
    /// the frame (the VAD found it silent).
    public var levelDb: Double?

    /// Creates a frame carrying `sound` at `levelDb`.
    public init(sound: Sound, levelDb: Double?) {
        self.sound = sound
        self.levelDb = levelDb
    }

    /// The frame of a detector's analysis: `voiced` from the VAD, its band level when `analysed`, and, when `tonal`,
    /// the tone's strongest and second frequencies in Hz (0 when there is no second).
    public init(
        voiced: Bool,
        analysed: Bool,
        levelDb: Double,
        tonal: Bool,
        frequencyHz: Double,
        secondFrequencyHz: Double
    ) {
        self.levelDb = analysed ? levelDb : nil
        guard tonal else {
            sound = voiced ? .voice : .quiet
            return
        }
        if Self.isFaxTone(frequencyHz) {
            sound = .faxTone
            return
        }
        if Self.callProgressBandHz.contains(frequencyHz) {
            sound = .signalling
            return
        }
        switch SignallingTones.classify(frequencyHz: frequencyHz, secondHz: secondFrequencyHz) {
        case .dtmf, .callProgressPair, .callProgressSingle, .sitFirst, .sitLater:
            sound = .signalling
        case .faxCalling, .answerTone:
            sound = .faxTone
        case .none:
            sound = voiced ? .voice : .quiet
        }
    }

    /// Where the call-progress tones lie, in Hz: dial, ringback, busy and reorder tones are 350–620 Hz singles or
    /// pairs. Two tones 40–100 Hz apart beat, and a short frame sees one peak wandering between them, so a tone
    /// anywhere in this band is taken for the network's rather than matched to a nominal frequency.
    static let callProgressBandHz: ClosedRange<Double> = 300...650

    /// Frequencies of the fax and modem tones, in Hz: CNG, V.21 channel 2 mark and space, CED, Bell answer tone.
    static let faxFrequenciesHz: [Double] = [1100, 1650, 1850, 2100, 2225]

    /// Whether `frequencyHz` is within the signalling tolerance of a fax or modem tone.
    static func isFaxTone(_ frequencyHz: Double) -> Bool {
        SignallingTones.matches(frequencyHz, faxFrequenciesHz, tolerance: SignallingTones.tolerance)
    }
}
