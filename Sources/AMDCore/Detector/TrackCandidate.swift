/// A steady tone the detector judged (reported or not), with its measurements: the rows `amd-edge eval --tracks`
/// writes to fit the ``TrackClassifier``.
public struct TrackCandidate: Sendable, Hashable {
    /// Stream time of the judgement, in milliseconds.
    public var atMs: Int64
    /// Estimated onset of the tone, in milliseconds.
    public var onsetMs: Int64
    /// The tone's frequency, in Hz.
    public var frequencyHz: Double
    /// What was measured.
    public var measurements: TrackMeasurements

    /// Creates a candidate.
    public init(atMs: Int64, onsetMs: Int64, frequencyHz: Double, measurements: TrackMeasurements) {
        self.atMs = atMs
        self.onsetMs = onsetMs
        self.frequencyHz = frequencyHz
        self.measurements = measurements
    }
}
