/// What ``VoiceActivityDetector/process(frame:)`` found in one frame.
public struct VADDecision: Sendable, Hashable {
    /// A change of segment state, at a stream sample index (samples at the detector's rate since its first sample).
    public enum Transition: Sendable, Hashable {
        /// A segment started at this sample: the first sample of the padding ring when it triggered.
        case started(atSample: Int64)
        /// The segment ended at this sample (exclusive): the end of the frame that released it.
        case ended(atSample: Int64)
    }

    /// Whether the frame's energy exceeds both the noise floor plus the margin and the absolute minimum.
    public var isVoiced: Bool
    /// The frame's energy in dBFS, Q8 (256 = 1 dB); a full-scale sine reads 0 dBFS, digital silence −120 dBFS.
    public var energyDbfsQ8: Int32
    /// The noise floor after this frame, in dBFS, Q8.
    public var noiseFloorDbfsQ8: Int32
    /// Whether a segment is open after this frame.
    public var isInSegment: Bool
    /// The segment started or ended with this frame, if it did.
    public var transition: Transition?

    /// The frame's energy in dBFS, as a Double for logs and tests.
    public var energyDbfs: Double { Double(energyDbfsQ8) / 256 }
    /// The noise floor in dBFS, as a Double for logs and tests.
    public var noiseFloorDbfs: Double { Double(noiseFloorDbfsQ8) / 256 }
}
