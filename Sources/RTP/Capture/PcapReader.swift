/// Reads the UDP datagrams of a capture file held in memory: libpcap classic (either byte order, µs or ns
/// timestamps) or pcapng (sections of either byte order, interface description, enhanced and simple packet blocks;
/// other blocks skipped).
///
/// Link types: Ethernet (1, with 802.1Q/802.1ad VLAN tags), BSD loopback (0), raw IP (101, 228, 229), Linux cooked
/// SLL (113) and SLL2 (276). IPv4 options and IPv6 extension headers are skipped; IP fragments are dropped and
/// counted. Nothing is copied: each ``UDPDatagram`` locates its payload in ``bytes``.
///
/// ```swift
/// var reader = try PcapReader(capture)
/// while let datagram = try reader.next() { … datagram.payload(in: …) … }
/// ```
public struct PcapReader: Sendable {
    /// The two container formats.
    public enum Format: Sendable, Hashable {
        /// libpcap classic: one global header, then records.
        case pcap
        /// pcapng: blocks, in one or more sections.
        case pcapng
    }

    /// The largest pcap record accepted, in bytes, above which a length is corrupt rather than large.
    public static let maxRecordLength = 256 * 1024

    /// The capture file image.
    public let bytes: [UInt8]
    /// The file's container format.
    public let format: Format
    /// What was read and passed over so far.
    public internal(set) var statistics = PcapStatistics()

    /// Where the next record or block starts, in bytes from the file's start.
    var offset: Int
    /// Classic pcap: the link type, byte order, timestamp unit and snap length from the global header.
    var bigEndian: Bool
    var classicLinkType: UInt32 = 0
    var classicNanoseconds = false
    var classicSnapLength = 0
    /// pcapng: the interfaces of the current section, in declaration order.
    var interfaces: [Interface] = []

    /// A pcapng interface: its link type and how many timestamp units make a second.
    struct Interface: Sendable {
        var linkType: UInt32
        var snapLength: Int
        var unitsPerSecond: UInt64 = 1_000_000
    }

    /// Opens a capture: checks its header and format version.
    ///
    /// - Parameter capture: The whole file's bytes.
    /// - Throws: ``PcapError/tooShort(count:)``, ``PcapError/badMagic(magic:)``,
    ///   ``PcapError/unsupportedVersion(major:minor:)``, or the faults of the first pcapng section header.
    public init(_ capture: [UInt8]) throws(PcapError) {
        bytes = capture
        guard capture.count >= 24 else { throw .tooShort(count: capture.count) }
        let magic = UInt32(capture[0]) << 24 | UInt32(capture[1]) << 16 | UInt32(capture[2]) << 8 | UInt32(capture[3])
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D, 0xD4C3_B2A1, 0x4D3C_B2A1:
            format = .pcap
            bigEndian = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D
            classicNanoseconds = magic == 0xA1B2_3C4D || magic == 0x4D3C_B2A1
            offset = 24
            let header: (UInt16, UInt32, UInt32) = capture.withUnsafeBytes { [bigEndian] file in
                (
                    file.loadUInt16(at: 4, bigEndian: bigEndian), file.loadUInt32(at: 16, bigEndian: bigEndian),
                    file.loadUInt32(at: 20, bigEndian: bigEndian)
                )
            }
            guard header.0 == 2 else {
                let minor = capture.withUnsafeBytes { [bigEndian] in $0.loadUInt16(at: 6, bigEndian: bigEndian) }
                throw .unsupportedVersion(major: header.0, minor: minor)
            }
            classicSnapLength = Int(header.1)
            classicLinkType = header.2 & 0x0FFF_FFFF  // the top bits carry FCS information
        case PcapNGBlock.sectionHeader:
            format = .pcapng
            bigEndian = true
            offset = 0
            // The section header is read by `next()`, like the ones of later sections; check it now.
            var probe = self
            let result = capture.withUnsafeBytes { file in
                Result { () throws(PcapError) in try probe.readSectionHeader(file, at: 0) }
            }
            try result.get()
        default:
            throw .badMagic(magic: magic)
        }
    }

    /// The next UDP datagram in the file, or nil at its end; packets that hold none are counted in ``statistics``.
    ///
    /// - Throws: ``PcapError`` when a record or block is truncated or has an impossible length; reading stops there.
    public mutating func next() throws(PcapError) -> UDPDatagram? {
        let file = bytes
        let result: Result<UDPDatagram?, PcapError> = file.withUnsafeBytes { file in
            Result { () throws(PcapError) in
                while offset < file.count {
                    let found: UDPDatagram?
                    switch format {
                    case .pcap: found = try nextClassic(file)
                    case .pcapng: found = try nextBlock(file)
                    }
                    if let found { return found }
                }
                return nil
            }
        }
        return try result.get()
    }

    /// Reads every remaining datagram, calling `body` with each one and its payload bytes.
    ///
    /// - Throws: ``PcapError`` as ``next()`` does; the datagrams before the fault have been given to `body`.
    public mutating func forEach(
        _ body: (UDPDatagram, UnsafeRawBufferPointer) -> Void
    ) throws(PcapError) {
        let file = bytes
        while let datagram = try next() {
            file.withUnsafeBytes { body(datagram, datagram.payload(in: $0)) }
        }
    }

    // MARK: - Classic pcap

    private mutating func nextClassic(_ file: UnsafeRawBufferPointer) throws(PcapError) -> UDPDatagram? {
        let recordOffset = offset
        let available = file.count - recordOffset
        guard available >= 16 else { throw .truncatedRecord(offset: recordOffset, needed: 16, available: available) }
        let seconds = file.loadUInt32(at: recordOffset, bigEndian: bigEndian)
        let fraction = file.loadUInt32(at: recordOffset + 4, bigEndian: bigEndian)
        let capturedLength = Int(file.loadUInt32(at: recordOffset + 8, bigEndian: bigEndian))
        guard capturedLength <= max(Self.maxRecordLength, classicSnapLength) else {
            throw .absurdLength(offset: recordOffset, length: capturedLength)
        }
        guard capturedLength <= available - 16 else {
            throw .truncatedRecord(offset: recordOffset, needed: 16 + capturedLength, available: available)
        }
        offset = recordOffset + 16 + capturedLength
        let nanoseconds = Int64(fraction) * (classicNanoseconds ? 1 : 1000)
        return frame(
            file, at: recordOffset + 16, count: capturedLength, linkType: classicLinkType,
            timestampNs: Int64(seconds) * 1_000_000_000 + nanoseconds)
    }

    /// Decodes one captured frame at `start` (`count` bytes) and counts what it was.
    mutating func frame(
        _ file: UnsafeRawBufferPointer, at start: Int, count: Int, linkType: UInt32, timestampNs: Int64
    ) -> UDPDatagram? {
        statistics.records += 1
        switch LinkLayerDecoder.decode(linkType: linkType, frame: file.slice(offset: start, count: count)) {
        case .udp(let source, let sourcePort, let destination, let destinationPort, let payloadOffset, let payloadCount):
            statistics.udpDatagrams += 1
            return UDPDatagram(
                timestampNs: timestampNs, source: source, sourcePort: sourcePort, destination: destination,
                destinationPort: destinationPort, payloadOffset: start + payloadOffset, payloadCount: payloadCount)
        case .notUDP: statistics.notUDP += 1
        case .fragment: statistics.fragments += 1
        case .truncated: statistics.truncated += 1
        case .unsupportedLinkType: statistics.unsupportedLinkType += 1
        }
        return nil
    }
}
