/// The header of one RTP packet (RFC 3550 §5.1) and where its payload lies in the datagram it was parsed from.
///
/// The packet does not own or copy any bytes: ``payloadOffset`` and ``payloadCount`` locate the payload in the
/// datagram, and ``payload(in:)`` gives it as a buffer. Parse with ``init(parsing:)-(UnsafeRawBufferPointer)``.
public struct RTPPacket: Sendable, Hashable {
    /// True when the marker bit is set (for audio: the first packet of a talkspurt, RFC 3551 §4.1).
    public var marker: Bool
    /// The payload type, 0–127 (0 PCMU, 8 PCMA, 13 comfort noise; 96–127 dynamic, RFC 3551).
    public var payloadType: UInt8
    /// The 16-bit sequence number; it wraps from 65535 to 0.
    public var sequenceNumber: UInt16
    /// The 32-bit media timestamp, in clock ticks of the payload format (samples at 8 kHz for G.711); it wraps.
    public var timestamp: UInt32
    /// The synchronisation source identifier.
    public var ssrc: UInt32
    /// The number of contributing sources listed after the fixed header, 0–15.
    public var csrcCount: Int
    /// The header extension's 16-bit profile-defined identifier, or nil when the extension bit is clear.
    public var extensionProfile: UInt16?
    /// The header extension's data length in bytes (its length field × 4), 0 when there is none.
    public var extensionLength: Int
    /// The number of padding bytes at the end of the datagram (the last byte's value), 0 when the padding bit
    /// is clear.
    public var paddingCount: Int
    /// Where the payload starts, in bytes from the start of the datagram.
    public var payloadOffset: Int
    /// The payload's length in bytes (padding excluded); may be 0.
    public var payloadCount: Int

    /// A packet with the given fields; ``init(parsing:)-(UnsafeRawBufferPointer)`` is the usual way to get one.
    ///
    /// - Parameters:
    ///   - payloadOffset: Where the payload starts, in bytes from the start of the datagram (12 for a plain header).
    ///   - payloadCount: The payload's length in bytes.
    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcCount: Int = 0, extensionProfile: UInt16? = nil, extensionLength: Int = 0, paddingCount: Int = 0,
        payloadOffset: Int = 12, payloadCount: Int
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcCount = csrcCount
        self.extensionProfile = extensionProfile
        self.extensionLength = extensionLength
        self.paddingCount = paddingCount
        self.payloadOffset = payloadOffset
        self.payloadCount = payloadCount
    }

    /// The payload's bytes within `datagram`, the buffer this packet was parsed from; empty when the range does
    /// not fit `datagram` (a different buffer was passed).
    public func payload(in datagram: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        datagram.checkedSlice(offset: payloadOffset, count: payloadCount)
    }
}
