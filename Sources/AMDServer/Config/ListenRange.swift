/// An `--rtp` listen address: `HOST:PORT` or a port range `HOST:FIRST-LAST`, one UDP socket per port.
package struct ListenRange: Sendable, Hashable, CustomStringConvertible {
    /// Host or IP literal to bind (`0.0.0.0`, `::`, `127.0.0.1`).
    package var host: String
    /// Ports to bind, in order (a single port, or a range of at most 1024 ports).
    package var ports: ClosedRange<Int>

    /// Creates a range.
    package init(host: String, ports: ClosedRange<Int>) {
        self.host = host
        self.ports = ports
    }

    /// Parses `HOST:PORT`, `HOST:FIRST-LAST` or `[IPV6]:…`; `nil` when malformed.
    package init?(parsing text: String) {
        guard let (host, rest) = HostPort.split(text) else { return nil }
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = Int(parts[0]), let last = Int(parts.last ?? ""),
            (0...65535).contains(first), (first...65535).contains(last), last - first < 1024
        else { return nil }
        self.init(host: host, ports: first...last)
    }

    /// `host:first-last`, or `host:port` for one port.
    package var description: String {
        let host = host.contains(":") ? "[\(host)]" : host
        return ports.count == 1 ? "\(host):\(ports.lowerBound)" : "\(host):\(ports.lowerBound)-\(ports.upperBound)"
    }
}
