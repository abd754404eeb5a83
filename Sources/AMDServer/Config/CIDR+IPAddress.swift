package import RTP

extension CIDR {
    /// Whether `address` lies in the network, without allocating (the RTP ingress asks this per datagram).
    ///
    /// An IPv4 network never contains an IPv6 address and the other way round; normalise IPv4-mapped IPv6
    /// addresses first (``IPAddress/unmappingIPv4()``).
    package func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let value):
            guard network.count == 4 else { return false }
            return Self.masked(value, prefixLength)
                == Self.masked(Self.word(network, from: 0, count: 4) as UInt32, prefixLength)
        case .v6(let high, let low):
            guard network.count == 16 else { return false }
            let networkHigh: UInt64 = Self.word(network, from: 0, count: 8)
            let networkLow: UInt64 = Self.word(network, from: 8, count: 8)
            let highBits = min(64, prefixLength)
            let lowBits = max(0, prefixLength - 64)
            return Self.masked(high, highBits) == Self.masked(networkHigh, highBits)
                && Self.masked(low, lowBits) == Self.masked(networkLow, lowBits)
        }
    }

    /// `count` bytes of `bytes` from `from` as one big-endian integer.
    private static func word<T: FixedWidthInteger & UnsignedInteger>(_ bytes: [UInt8], from: Int, count: Int) -> T {
        var value: T = 0
        for index in from..<(from + count) { value = value << 8 | T(bytes[index]) }
        return value
    }

    /// `value` with all but its top `bits` bits cleared.
    private static func masked<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ bits: Int) -> T {
        bits <= 0 ? 0 : bits >= T.bitWidth ? value : value & ~(T.max >> bits)
    }
}
