// RTPPacket parsing: RFC 3550 §5.1 fixed header, CSRC list, §5.3.1 header extension, padding.

extension RTPPacket {
    /// The length of the fixed RTP header, in bytes.
    public static let fixedHeaderLength = 12

    /// Parses the RTP header of one datagram, checking every field against the datagram's length.
    ///
    /// Nothing is copied: the payload is located by ``payloadOffset`` and ``payloadCount``. Datagrams whose
    /// second byte is an RTCP packet type (200–204) are rejected as ``RTPParseError/rtcp(packetType:)``, as RTP and
    /// RTCP may share a port (RFC 5761).
    ///
    /// - Parameter datagram: The UDP payload.
    /// - Throws: ``RTPParseError``, one case per fault.
    public init(parsing datagram: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = datagram.count
        guard count >= Self.fixedHeaderLength else { throw .tooShort(count: count) }
        let byte0 = datagram[0]
        let byte1 = datagram[1]
        let version = byte0 >> 6
        guard version == 2 else { throw .badVersion(version: version) }
        if (200...204).contains(byte1) { throw .rtcp(packetType: byte1) }
        let hasPadding = byte0 & 0x20 != 0
        let hasExtension = byte0 & 0x10 != 0
        let csrcCount = Int(byte0 & 0x0F)

        var offset = Self.fixedHeaderLength + 4 * csrcCount
        guard offset <= count else { throw .csrcOverrun(csrcCount: csrcCount, count: count) }

        var extensionProfile: UInt16? = nil
        var extensionLength = 0
        if hasExtension {
            guard offset + 4 <= count else { throw .extensionOverrun(extensionEnd: offset + 4, count: count) }
            extensionProfile = datagram.loadUInt16BE(at: offset)
            extensionLength = 4 * Int(datagram.loadUInt16BE(at: offset + 2))
            offset += 4 + extensionLength
            guard offset <= count else { throw .extensionOverrun(extensionEnd: offset, count: count) }
        }

        var paddingCount = 0
        if hasPadding {
            let available = count - offset
            paddingCount = available > 0 ? Int(datagram[count - 1]) : 0
            guard paddingCount >= 1, paddingCount <= available else {
                throw .badPadding(paddingCount: paddingCount, available: available)
            }
        }

        self.init(
            marker: byte1 & 0x80 != 0,
            payloadType: byte1 & 0x7F,
            sequenceNumber: datagram.loadUInt16BE(at: 2),
            timestamp: datagram.loadUInt32BE(at: 4),
            ssrc: datagram.loadUInt32BE(at: 8),
            csrcCount: csrcCount,
            extensionProfile: extensionProfile,
            extensionLength: extensionLength,
            paddingCount: paddingCount,
            payloadOffset: offset,
            payloadCount: count - offset - paddingCount
        )
    }

    /// Parses the RTP header of a datagram held in an array; see ``init(parsing:)-(UnsafeRawBufferPointer)``.
    ///
    /// - Throws: ``RTPParseError``, one case per fault.
    public init(parsing datagram: [UInt8]) throws(RTPParseError) {
        let result: Result<RTPPacket, RTPParseError> = datagram.withUnsafeBytes { bytes in
            Result { () throws(RTPParseError) in try RTPPacket(parsing: bytes) }
        }
        self = try result.get()
    }

    /// The `index`-th contributing source identifier (0 ..< ``csrcCount``) from `datagram`, the buffer this packet
    /// was parsed from; nil when `index` is out of range or `datagram` is too short.
    public func csrc(_ index: Int, in datagram: UnsafeRawBufferPointer) -> UInt32? {
        let offset = Self.fixedHeaderLength + 4 * index
        guard index >= 0, index < csrcCount, offset + 4 <= datagram.count else { return nil }
        return datagram.loadUInt32BE(at: offset)
    }
}
