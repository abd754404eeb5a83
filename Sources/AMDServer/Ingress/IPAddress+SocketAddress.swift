package import NIOCore
package import RTP

extension IPAddress {
    /// The IP address of an IPv4 or IPv6 socket address, read from its bytes without allocating; nil for a
    /// Unix domain socket address. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, as a dual-stack socket reports
    /// IPv4 senders) become IPv4.
    package init?(_ address: SocketAddress) {
        // `sockaddr_in` holds the address at bytes 4..<8 and `sockaddr_in6` at 8..<24, on Linux and Darwin alike
        // (2 bytes of family, or length and family, then the 2-byte port; IPv6 then has 4 bytes of flow info).
        switch address {
        case .v4(let v4):
            guard let parsed = withUnsafeBytes(of: v4.address, { IPAddress(bytes: .init(rebasing: $0[4..<8])) })
            else { return nil }
            self = parsed
        case .v6(let v6):
            guard let parsed = withUnsafeBytes(of: v6.address, { IPAddress(bytes: .init(rebasing: $0[8..<24])) })
            else { return nil }
            self = parsed.unmappingIPv4()
        case .unixDomainSocket:
            return nil
        }
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for; any other address unchanged.
    package func unmappingIPv4() -> IPAddress {
        if case .v6(let high, let low) = self, high == 0, low >> 32 == 0xFFFF {
            return .v4(UInt32(truncatingIfNeeded: low))
        }
        return self
    }
}
