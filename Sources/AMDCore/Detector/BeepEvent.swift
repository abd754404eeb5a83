/// A voicemail beep found in a stream: what the controller acts on.
///
/// Times are stream milliseconds, counted from the stream's first sample (not wall-clock time), so
/// the same audio yields the same event whatever ingress carried it.
public struct BeepEvent: Sendable, Hashable {
    /// Estimated start of the beep, in stream milliseconds.
    public var onsetMs: Int64
    /// Stream time at which the detector emitted the event, in milliseconds; `detectedMs - onsetMs` is the latency.
    public var detectedMs: Int64
    /// Dominant frequency of the beep, in Hz.
    public var frequencyHz: Double
    /// How sure the detector is, from 0 to 1.
    public var confidence: Double

    /// Creates an event from its fields.
    public init(onsetMs: Int64, detectedMs: Int64, frequencyHz: Double, confidence: Double) {
        self.onsetMs = onsetMs
        self.detectedMs = detectedMs
        self.frequencyHz = frequencyHz
        self.confidence = confidence
    }
}
