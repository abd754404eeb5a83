/// What an ``RTPStreamReassembler`` has seen of its stream, in packets unless said otherwise.
public struct RTPStreamCounters: Sendable, Hashable {
    /// Packets given to the reassembler, whatever became of them.
    public var packets = 0
    /// Sequence numbers skipped at play-out (packets that never came, or came too late to be played).
    public var lost = 0
    /// Packets dropped because the same sequence number was buffered or recently played.
    public var duplicates = 0
    /// Packets dropped because a later sequence number had already been played out.
    public var late = 0
    /// Packets that arrived after a higher sequence number and were still put back in order.
    public var reordered = 0
    /// New DTMF events reported (one per key press, not per telephone-event packet).
    public var dtmfEvents = 0
    /// Timestamp jumps beyond the gap-fill cap outside a pause, backward timestamp jumps, and sequence restarts.
    public var resyncs = 0
    /// Packets whose payload is larger than the configured slot size, dropped.
    public var oversize = 0
    /// Packets dropped because their sequence number was too far from the stream's (RFC 3550 A.1 `MAX_DROPOUT`,
    /// `MAX_MISORDER`); two in a row restart the stream's sequence.
    public var outOfRange = 0
    /// Comfort noise packets (payload type 13, RFC 3389).
    public var comfortNoise = 0
    /// Packets played out with a payload type that is neither G.711, comfort noise nor telephone-event.
    public var unsupportedPayloadType = 0
    /// Audio samples emitted (at 8 kHz).
    public var audioSamples = 0
    /// Silence samples emitted (at 8 kHz).
    public var silenceSamples = 0

    /// All counters at 0.
    public init() {}
}
