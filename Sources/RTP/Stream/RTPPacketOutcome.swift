/// What ``RTPStreamReassembler/receive(_:payload:onEvent:)`` did with one packet.
///
/// A receiver counts its drops from this instead of diffing the reassembler's counters around every packet; the
/// counters (``RTPStreamCounters``) still total the same things for the whole stream.
public enum RTPPacketOutcome: Sendable, Hashable {
    /// Taken in sequence and played out at once (with any buffered packets that follow it).
    case played
    /// Taken in sequence and held in the jitter buffer; it plays out, in order, when its turn comes.
    case buffered
    /// Taken in sequence, but its payload type is neither G.711, comfort noise nor telephone-event: its turn
    /// advances the sequence and plays nothing.
    case unsupportedPayloadType
    /// Dropped: the same sequence number is buffered or was played recently.
    case duplicate
    /// Dropped: a later sequence number was already played out (or this one was skipped as lost).
    case late
    /// Dropped: the sequence number is too far from the stream's (RFC 3550 A.1 `MAX_DROPOUT`, `MAX_MISORDER`);
    /// the next packet in sequence after it restarts the stream's sequence.
    case outOfRange
    /// Dropped: the payload is larger than a jitter-buffer slot
    /// (``RTPStreamReassembler/Configuration/maxPayloadBytes``).
    case oversize
}
