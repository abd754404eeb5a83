/// A `HOST:PORT` address from the command line or config file; IPv6 hosts in brackets (`[::1]:8080`).
package struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP literal, without brackets.
    package var host: String
    /// Port, 0...65535 (0 lets the system pick).
    package var port: Int

    /// Creates an address.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`; `nil` when malformed.
    package init?(parsing text: String) {
        guard let (host, portText) = Self.split(text), let port = Int(portText), (0...65535).contains(port) else {
            return nil
        }
        self.init(host: host, port: port)
    }

    /// `host:port`, with brackets around IPv6 literals.
    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Splits `HOST:REST` or `[HOST]:REST` at the port separator.
    ///
    /// A bracketed host must look like an IPv6 literal (hex digits, `:` and `.`, an optional `%zone`), and a bare
    /// one like a host name or IPv4 literal (letters, digits, `-`, `.`, `_`): a typo such as `[[::]:5004` is refused
    /// here, with the option's name, rather than failing later in the resolver.
    static func split(_ text: String) -> (host: String, rest: String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":"), host.contains(":"), isIPv6Literal(host) else { return nil }
            return (host, String(after.dropFirst()))
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, host.unicodeScalars.allSatisfy(isHostNameCharacter) else { return nil }
        return (host, String(text[text.index(after: colon)...]))
    }

    private static func isIPv6Literal(_ host: String) -> Bool {
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        let address = parts[0]
        guard !address.isEmpty, parts.count == 1 || !parts[1].isEmpty else { return false }
        return address.unicodeScalars.allSatisfy { $0 == ":" || $0 == "." || $0.properties.isASCIIHexDigit }
            && (parts.count == 1 || parts[1].unicodeScalars.allSatisfy(isHostNameCharacter))
    }

    private static func isHostNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_": true
        default: false
        }
    }
}
