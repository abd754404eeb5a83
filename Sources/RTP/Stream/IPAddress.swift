/// An IPv4 or IPv6 address held as its bytes: cheap to hash and compare per packet, formatted only when shown.
public enum IPAddress: Sendable, Hashable {
    /// An IPv4 address; the first octet is the most significant byte.
    case v4(UInt32)
    /// An IPv6 address as two 64-bit halves; the first octet is the most significant byte of `high`.
    case v6(high: UInt64, low: UInt64)

    /// The address held in `bytes`: 4 bytes for IPv4, 16 for IPv6 (network order); nil for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 4:
            self = .v4(bytes.loadUInt32BE(at: 0))
        case 16:
            let high = UInt64(bytes.loadUInt32BE(at: 0)) << 32 | UInt64(bytes.loadUInt32BE(at: 4))
            let low = UInt64(bytes.loadUInt32BE(at: 8)) << 32 | UInt64(bytes.loadUInt32BE(at: 12))
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// The address held in `bytes`: 4 bytes for IPv4, 16 for IPv6 (network order); nil for any other length.
    public init?(bytes: [UInt8]) {
        guard let address = bytes.withUnsafeBytes({ IPAddress(bytes: $0) }) else { return nil }
        self = address
    }

    /// True for an IPv6 address.
    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }
}

extension IPAddress: CustomStringConvertible {
    /// The text form: dotted quad for IPv4 (`192.168.0.2`), RFC 5952 for IPv6 (lower-case hex, leading zeros
    /// dropped, the longest run of two or more zero groups as `::`, e.g. `2001:db8::1`).
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            var groups = [UInt16](repeating: 0, count: 8)
            for index in 0..<4 {
                groups[index] = UInt16(truncatingIfNeeded: high >> (48 - 16 * index))
                groups[4 + index] = UInt16(truncatingIfNeeded: low >> (48 - 16 * index))
            }
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else {
                    index += 1
                    continue
                }
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            }
            func hex(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }
}
