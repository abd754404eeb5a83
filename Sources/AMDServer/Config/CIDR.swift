package import NIOCore

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `2001:db8::/32`, or a single address) for `--rtp-allow`.
package struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// Network address bytes (4 for IPv4, 16 for IPv6), host bits cleared.
    package let network: [UInt8]
    /// Prefix length in bits.
    package let prefixLength: Int

    /// Parses `ADDRESS/BITS` or `ADDRESS`; `nil` when malformed.
    package init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let bits, (0...(bytes.count * 8)).contains(bits) else { return nil }
        network = Self.mask(bytes, bits)
        prefixLength = bits
    }

    /// Whether `address` (an IPv4 or IPv6 socket address) lies in the network; IPv4-mapped IPv6 counts as IPv4.
    package func contains(_ address: SocketAddress) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if network.count == 4, bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }),
            bytes[10] == 0xFF, bytes[11] == 0xFF
        {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return Self.mask(bytes, prefixLength) == network
    }

    /// `address/bits`.
    package var description: String {
        let address = (try? SocketAddress(packedIPAddress: ByteBuffer(bytes: network), port: 0))?.ipAddress ?? "?"
        return "\(address)/\(prefixLength)"
    }

    private static func bytes(of text: String) -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        return bytes(of: address)
    }

    private static func bytes(of address: SocketAddress) -> [UInt8]? {
        // The address bytes of `sockaddr_in` (4..<8) and `sockaddr_in6` (8..<24); see `IPAddress.init?(_:)`.
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address) { Array($0[4..<8]) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address) { Array($0[8..<24]) }
        default:
            return nil
        }
    }

    private static func mask(_ bytes: [UInt8], _ bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = max(0, min(8, bits - index * 8))
            return keep == 8 ? byte : byte & ~(0xFF >> keep)
        }
    }
}
