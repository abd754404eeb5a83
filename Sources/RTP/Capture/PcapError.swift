/// Why a capture file cannot be read: the faults that make the rest of the file meaningless.
///
/// Faults confined to one packet (not IP, not UDP, a fragment, an unknown link type) are not errors: they are
/// counted in ``PcapStatistics``.
public enum PcapError: Error, Sendable, Hashable {
    /// The file is `count` bytes long, too short for a file header (24 bytes for pcap, 28 for pcapng).
    case tooShort(count: Int)
    /// The first 4 bytes, `magic` (read big-endian), are neither a pcap magic number (µs or ns, either byte order)
    /// nor a pcapng section header block.
    case badMagic(magic: UInt32)
    /// A pcapng section header at byte `offset` has a byte-order magic that is neither 0x1A2B3C4D nor its swap.
    case badByteOrderMagic(offset: Int)
    /// The file format version `major`.`minor` is not one this reader knows (pcap 2.x, pcapng 1.x).
    case unsupportedVersion(major: UInt16, minor: UInt16)
    /// The record or block at byte `offset` needs `needed` bytes but only `available` remain in the file.
    case truncatedRecord(offset: Int, needed: Int, available: Int)
    /// The record or block at byte `offset` declares a length of `length` bytes that no capture can have (a pcap
    /// record over 256 KiB plus snap length, a pcapng block under 12 bytes or not a multiple of 4).
    case absurdLength(offset: Int, length: Int)
}

extension PcapError: CustomStringConvertible {
    /// A message naming the fault and where in the file it is.
    public var description: String {
        switch self {
        case .tooShort(let count):
            "capture of \(count) bytes is too short for a pcap or pcapng header"
        case .badMagic(let magic):
            "capture magic 0x\(String(magic, radix: 16)) is neither pcap nor pcapng"
        case .badByteOrderMagic(let offset):
            "pcapng section header at byte \(offset) has a bad byte-order magic"
        case .unsupportedVersion(let major, let minor):
            "capture format version \(major).\(minor) is not supported"
        case .truncatedRecord(let offset, let needed, let available):
            "capture record at byte \(offset) needs \(needed) bytes, only \(available) remain"
        case .absurdLength(let offset, let length):
            "capture record at byte \(offset) declares an impossible length of \(length) bytes"
        }
    }
}
