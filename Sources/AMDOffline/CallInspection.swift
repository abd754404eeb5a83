public import AMDCore

/// Everything `amd-edge inspect` draws for one call: its spectrogram, what the line carried frame by frame, and
/// every tone track the detector judged, with its decision.
///
/// Built once from the call's linear samples (``init(samples:sampleRate:model:)``) and rendered as SVG
/// (``svg(title:)``). The decisions come from the same ``StreamDetector`` the daemon runs; the spectrogram and the
/// frame strip are this type's own analysis with AMDCore's ``RealFFT``, ``FrameAnalyzer`` and the model's
/// ``GaussianNB``, so they show what the detector's front end saw.
public struct CallInspection: Sendable {
    /// What the line carried in one 10 ms frame, as the detector's front end and the model's classifier saw it.
    public enum FrameClass: UInt8, Sendable, Hashable, CaseIterable {
        /// The VAD found the frame silent.
        case silence
        /// Voiced, and the classifier called the last context window speech (or a held voice).
        case speech
        /// Voiced, and the classifier called the last context window music.
        case music
        /// Voiced, and the classifier called the last context window noise.
        case noise
        /// The frame holds a steady tone (the tone rules' verdict).
        case tone
    }

    /// One tone track the detector judged, and what it decided.
    public struct ToneDecision: Sendable, Hashable {
        /// The decision.
        public enum Verdict: Sendable, Hashable {
            /// Reported as the beep, with the detector's confidence (0...1).
            case beep(confidence: Double)
            /// Rejected, with the reason's name (`classifier`, `no_greeting`, …) and the measured value behind it.
            case rejected(reason: String, detail: Double)
            /// Measured by the track classifier with no verdict by the end of the call.
            case undecided
        }

        /// Stream time at which the tone began, in milliseconds.
        public var onsetMs: Int64
        /// Stream time of the decision, in milliseconds.
        public var decidedMs: Int64
        /// The tone's frequency, in Hz.
        public var frequencyHz: Double
        /// What the detector decided.
        public var verdict: Verdict
    }

    /// The input rate, in Hz.
    public let sampleRate: Int
    /// The call's length, in milliseconds.
    public let durationMs: Int64
    /// The spectrogram's top frequency, in Hz: half the rate, at most 8 kHz (the detector's band).
    public let topFrequencyHz: Double
    /// Spectrogram columns (one per ``columnMs``), each ``spectrogramRows`` levels from 0 Hz up, in dBFS.
    public let spectrogram: [[Float]]
    /// Milliseconds each spectrogram column covers.
    public let columnMs: Int
    /// Rows per spectrogram column: FFT bins from 0 Hz to ``topFrequencyHz``.
    public let spectrogramRows: Int
    /// One class per 10 ms frame of the detector's front end, in order.
    public let frames: [FrameClass]
    /// Milliseconds per entry of ``frames``.
    public let frameMs: Int
    /// Every tone track the detector judged, in order of decision.
    public let decisions: [ToneDecision]

    /// Analyses a call's linear samples at `sampleRate` Hz with `model`.
    /// - Throws: ``StreamDetectorError`` when no pipeline fits the rate or the model.
    public init(samples: [Int16], sampleRate: Int, model: ValidatedModel) throws(StreamDetectorError) {
        self.sampleRate = sampleRate
        durationMs = Int64(samples.count) * 1000 / Int64(max(1, sampleRate))
        decisions = try Self.decisions(samples: samples, sampleRate: sampleRate, model: model)
        let spectrum = Self.spectrogram(samples: samples, sampleRate: sampleRate)
        spectrogram = spectrum.columns
        columnMs = spectrum.columnMs
        spectrogramRows = spectrum.rows
        topFrequencyHz = spectrum.topHz
        let strip = try Self.frameClasses(samples: samples, sampleRate: sampleRate, model: model.model)
        frames = strip.classes
        frameMs = strip.frameMs
    }
}
