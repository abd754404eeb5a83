package import RTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CallRegistration.Match {
    /// A media source named by a registration: an IP address and a UDP port, parsed from `"<ip>:<port>"`.
    package struct Source: Sendable, Hashable {
        /// The source's IP address (IPv4-mapped IPv6 counts as IPv4, as the RTP ingress sees senders).
        package var address: IPAddress
        /// The source's UDP port, 1...65535.
        package var port: UInt16

        /// Creates a source from its parts.
        package init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }

        /// Parses `ip:port` or `[ipv6]:port` (an IP literal, not a host name; port 1 to 65535); `nil` otherwise.
        package init?(parsing text: String) {
            guard text.utf8.count <= Self.maxTextBytes, let (host, portText) = HostPort.split(text),
                portText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let port = UInt16(portText), port > 0, let address = Self.address(parsing: host)
            else { return nil }
            self.address = address
            self.port = port
        }

        /// An IPv4 (dotted quad) or IPv6 literal, read with `inet_pton`, which refuses host names and octal.
        static func address(parsing host: String) -> IPAddress? {
            var bytes = [UInt8](repeating: 0, count: 16)
            let family = host.contains(":") ? AF_INET6 : AF_INET
            guard inet_pton(family, host, &bytes) == 1 else { return nil }
            // `::ffff:a.b.c.d` is how a dual-stack socket reports an IPv4 sender: the ingress shows it as IPv4.
            let isMapped =
                family == AF_INET6 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF
                && bytes[11] == 0xFF
            let range = family == AF_INET ? 0..<4 : isMapped ? 12..<16 : 0..<16
            return IPAddress(bytes: Array(bytes[range]))
        }

        /// Longest source text read, in bytes (a bracketed IPv6 literal with a port fits in 47).
        static let maxTextBytes = 64

        /// The text form the RTP ingress gives a call's `source`: `192.0.2.1:4000`, `[2001:db8::1]:4000`.
        package var canonical: String {
            address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }
}
