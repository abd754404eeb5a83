import AMDServer
import NIOCore
import RTP
import Testing

/// `CIDR.contains(_: IPAddress)`, the allocation-free check the RTP ingress makes per datagram, agrees with the
/// socket-address check on IPv4, IPv6, mapped addresses and edge prefixes.
struct CIDRTests {
    @Test(arguments: [
        ("10.1.0.0/16", "10.1.200.3"), ("10.1.0.0/16", "10.2.0.1"), ("0.0.0.0/0", "192.0.2.1"),
        ("192.0.2.7", "192.0.2.7"), ("192.0.2.7", "192.0.2.8"), ("10.0.0.0/8", "::ffff:10.9.9.9"),
        ("2001:db8::/32", "2001:db8:1::5"), ("2001:db8::/32", "2001:db9::1"), ("::1/128", "::1"),
        ("2001:db8::/96", "2001:db8::ffff:1"), ("2001:db8::/100", "2001:db8::1000:1"), ("::/0", "fe80::1"),
        ("10.0.0.0/8", "::1"), ("::1/128", "127.0.0.1"),
    ])
    func ipAddressCheckAgreesWithSocketAddressCheck(network: String, address: String) throws {
        let cidr = try #require(CIDR(parsing: network))
        let socketAddress = try SocketAddress(ipAddress: address, port: 5004)
        let ipAddress = try #require(IPAddress(socketAddress))
        #expect(cidr.contains(ipAddress) == cidr.contains(socketAddress), "\(network) ∋ \(address)")
    }

    @Test func socketAddressesBecomeIPAddresses() throws {
        #expect(IPAddress(try SocketAddress(ipAddress: "192.0.2.1", port: 1)) == .v4(0xC000_0201))
        #expect(IPAddress(try SocketAddress(ipAddress: "::ffff:192.0.2.1", port: 1)) == .v4(0xC000_0201))
        #expect(
            IPAddress(try SocketAddress(ipAddress: "2001:db8::1", port: 1)) == .v6(high: 0x2001_0db8_0000_0000, low: 1))
    }
}
