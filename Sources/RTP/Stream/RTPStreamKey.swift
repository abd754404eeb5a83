/// What tells one RTP stream from another: the source address and port it comes from, and its SSRC.
///
/// The text form, ``description``, is `"<ip>:<port>/<ssrc as 8 hex digits>"`, with IPv6 addresses in brackets:
/// `192.168.0.2:26264/61dcf074`, `[2001:db8::1]:4000/0000abcd`.
public struct RTPStreamKey: Sendable, Hashable {
    /// The source IP address of the stream's datagrams.
    public var address: IPAddress
    /// The source UDP port of the stream's datagrams.
    public var port: UInt16
    /// The stream's synchronisation source identifier (RFC 3550 §3).
    public var ssrc: UInt32

    /// The key of the stream sent from `address`:`port` with synchronisation source `ssrc`.
    public init(address: IPAddress, port: UInt16, ssrc: UInt32) {
        self.address = address
        self.port = port
        self.ssrc = ssrc
    }
}

extension RTPStreamKey: CustomStringConvertible {
    /// `"<ip>:<port>/<ssrc hex 8 digits>"`, IPv6 as `[addr]:port/ssrc`.
    public var description: String {
        let hex = String(ssrc, radix: 16)
        let ssrcText = String(repeating: "0", count: 8 - hex.count) + hex
        let host = address.isIPv6 ? "[\(address)]" : "\(address)"
        return "\(host):\(port)/\(ssrcText)"
    }
}
