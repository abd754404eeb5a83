/// Why a datagram is not an RTP packet we accept (RFC 3550 §5.1).
///
/// Each case has a stable ``reason`` usable as a metric label.
public enum RTPParseError: Error, Sendable, Hashable {
    /// Fewer bytes than the 12-byte fixed header; `count` is the datagram's length in bytes.
    case tooShort(count: Int)
    /// The version field (top two bits of byte 0) is not 2; `version` is the value found.
    case badVersion(version: UInt8)
    /// The datagram is RTCP (RFC 3550 §6, packet type 200–204 in byte 1), not RTP; `packetType` is that byte.
    case rtcp(packetType: UInt8)
    /// The CSRC list (`csrcCount` × 4 bytes after the fixed header) runs past the end of the `count`-byte datagram.
    case csrcOverrun(csrcCount: Int, count: Int)
    /// The header extension (4-byte header, then its length in 32-bit words) runs past the end of the
    /// `count`-byte datagram; `extensionEnd` is where it would end, in bytes from the datagram's start.
    case extensionOverrun(extensionEnd: Int, count: Int)
    /// The padding bit is set but the last byte (`paddingCount`, in bytes) is 0 or more than the
    /// `available` bytes after the headers.
    case badPadding(paddingCount: Int, available: Int)

    /// A stable snake_case name of the fault, for metric labels and logs ("too_short", "bad_version", "rtcp",
    /// "csrc_overrun", "extension_overrun", "bad_padding").
    public var reason: String {
        switch self {
        case .tooShort: "too_short"
        case .badVersion: "bad_version"
        case .rtcp: "rtcp"
        case .csrcOverrun: "csrc_overrun"
        case .extensionOverrun: "extension_overrun"
        case .badPadding: "bad_padding"
        }
    }
}

extension RTPParseError: CustomStringConvertible {
    /// A message naming the fault and the values that show it.
    public var description: String {
        switch self {
        case .tooShort(let count):
            "RTP datagram of \(count) bytes is shorter than the 12-byte fixed header"
        case .badVersion(let version):
            "RTP version is \(version), expected 2"
        case .rtcp(let packetType):
            "datagram is RTCP (packet type \(packetType)), not RTP"
        case .csrcOverrun(let csrcCount, let count):
            "RTP CSRC list of \(csrcCount) entries runs past the end of the \(count)-byte datagram"
        case .extensionOverrun(let extensionEnd, let count):
            "RTP header extension ends at byte \(extensionEnd), past the end of the \(count)-byte datagram"
        case .badPadding(let paddingCount, let available):
            "RTP padding count \(paddingCount) is not within 1...\(available) (bytes after the headers)"
        }
    }
}
