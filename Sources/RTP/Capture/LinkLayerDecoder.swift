/// Finds the UDP datagram in one captured frame: link layer (Ethernet with VLAN tags, Linux cooked SLL/SLL2,
/// raw IP, BSD loopback), then IPv4 or IPv6, then UDP. Every length is checked against the captured bytes.
enum LinkLayerDecoder {
    /// What a frame turned out to hold.
    enum Outcome {
        /// A complete UDP datagram; `payloadOffset` is relative to the frame's first byte.
        case udp(
            source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16,
            payloadOffset: Int, payloadCount: Int)
        case notUDP
        case fragment
        case truncated
        case unsupportedLinkType
    }

    static let ethernet: UInt32 = 1
    static let null: UInt32 = 0
    static let raw: UInt32 = 101
    static let linuxSLL: UInt32 = 113
    static let linuxSLL2: UInt32 = 276
    static let ipv4: UInt32 = 228
    static let ipv6: UInt32 = 229

    private static let etherTypeIPv4: UInt16 = 0x0800
    private static let etherTypeIPv6: UInt16 = 0x86DD
    private static let vlanTagTypes: [UInt16] = [0x8100, 0x88A8, 0x9100]
    private static let udpProtocol: UInt8 = 17

    /// Decodes `frame`, captured on a link of type `linkType` (pcap LINKTYPE_* value).
    static func decode(linkType: UInt32, frame: UnsafeRawBufferPointer) -> Outcome {
        switch linkType {
        case ethernet:
            var offset = 12
            guard frame.count >= offset + 2 else { return .truncated }
            var etherType = frame.loadUInt16BE(at: offset)
            while vlanTagTypes.contains(etherType) {
                offset += 4
                guard frame.count >= offset + 2 else { return .truncated }
                etherType = frame.loadUInt16BE(at: offset)
            }
            return decodeNetwork(etherType: etherType, frame: frame, offset: offset + 2)
        case linuxSLL:
            guard frame.count >= 16 else { return .truncated }
            return decodeNetwork(etherType: frame.loadUInt16BE(at: 14), frame: frame, offset: 16)
        case linuxSLL2:
            guard frame.count >= 20 else { return .truncated }
            return decodeNetwork(etherType: frame.loadUInt16BE(at: 0), frame: frame, offset: 20)
        case raw, 12, 14:
            guard frame.count >= 1 else { return .truncated }
            switch frame[0] >> 4 {
            case 4: return decodeIPv4(frame, at: 0)
            case 6: return decodeIPv6(frame, at: 0)
            default: return .notUDP
            }
        case ipv4:
            return decodeIPv4(frame, at: 0)
        case ipv6:
            return decodeIPv6(frame, at: 0)
        case null:
            // The address family, in the capturing host's byte order: AF_INET 2, AF_INET6 24, 28 or 30.
            guard frame.count >= 4 else { return .truncated }
            let family = min(frame.loadUInt32LE(at: 0), frame.loadUInt32BE(at: 0))
            switch family {
            case 2: return decodeIPv4(frame, at: 4)
            case 24, 28, 30: return decodeIPv6(frame, at: 4)
            default: return .notUDP
            }
        default:
            return .unsupportedLinkType
        }
    }

    private static func decodeNetwork(etherType: UInt16, frame: UnsafeRawBufferPointer, offset: Int) -> Outcome {
        switch etherType {
        case etherTypeIPv4: decodeIPv4(frame, at: offset)
        case etherTypeIPv6: decodeIPv6(frame, at: offset)
        default: .notUDP
        }
    }

    /// IPv4 (RFC 791): header length from IHL (options skipped), total length bounds the datagram (Ethernet
    /// padding after it is ignored); fragments are dropped. The header checksum is not checked.
    private static func decodeIPv4(_ frame: UnsafeRawBufferPointer, at start: Int) -> Outcome {
        guard frame.count >= start + 20 else { return .truncated }
        guard frame[start] >> 4 == 4 else { return .notUDP }
        let headerLength = Int(frame[start] & 0x0F) * 4
        let totalLength = Int(frame.loadUInt16BE(at: start + 2))
        guard headerLength >= 20, totalLength >= headerLength else { return .notUDP }
        guard frame.count >= start + totalLength else { return .truncated }
        let flagsAndOffset = frame.loadUInt16BE(at: start + 6)
        guard flagsAndOffset & 0x3FFF == 0 else { return .fragment }  // more-fragments bit or a fragment offset
        guard frame[start + 9] == udpProtocol else { return .notUDP }
        guard let source = IPAddress(bytes: frame.slice(offset: start + 12, count: 4)),
            let destination = IPAddress(bytes: frame.slice(offset: start + 16, count: 4))
        else { return .truncated }
        return decodeUDP(
            frame, at: start + headerLength, end: start + totalLength, source: source, destination: destination)
    }

    /// IPv6 (RFC 8200): the payload length bounds the datagram; hop-by-hop, routing, destination options and AH
    /// headers are skipped; fragments are dropped.
    private static func decodeIPv6(_ frame: UnsafeRawBufferPointer, at start: Int) -> Outcome {
        guard frame.count >= start + 40 else { return .truncated }
        guard frame[start] >> 4 == 6 else { return .notUDP }
        let end = start + 40 + Int(frame.loadUInt16BE(at: start + 4))
        guard frame.count >= end else { return .truncated }
        guard let source = IPAddress(bytes: frame.slice(offset: start + 8, count: 16)),
            let destination = IPAddress(bytes: frame.slice(offset: start + 24, count: 16))
        else { return .truncated }
        var nextHeader = frame[start + 6]
        var offset = start + 40
        for _ in 0..<8 {
            switch nextHeader {
            case udpProtocol:
                return decodeUDP(frame, at: offset, end: end, source: source, destination: destination)
            case 0, 43, 60:  // hop-by-hop, routing, destination options: length in 8-byte units, not counting the first
                guard offset + 2 <= end else { return .truncated }
                nextHeader = frame[offset]
                offset += 8 + 8 * Int(frame[offset + 1])
            case 51:  // authentication header: length in 4-byte units, minus 2
                guard offset + 2 <= end else { return .truncated }
                nextHeader = frame[offset]
                offset += 8 + 4 * Int(frame[offset + 1])
            case 44:
                return .fragment
            default:
                return .notUDP
            }
        }
        return .notUDP
    }

    /// UDP (RFC 768) from `start` to `end`, the end of the IP datagram; a UDP length beyond `end` is truncation.
    private static func decodeUDP(
        _ frame: UnsafeRawBufferPointer, at start: Int, end: Int, source: IPAddress, destination: IPAddress
    ) -> Outcome {
        guard start + 8 <= end else { return .truncated }
        let length = Int(frame.loadUInt16BE(at: start + 4))
        guard length >= 8, start + length <= end else { return .truncated }
        return .udp(
            source: source, sourcePort: frame.loadUInt16BE(at: start), destination: destination,
            destinationPort: frame.loadUInt16BE(at: start + 2), payloadOffset: start + 8, payloadCount: length - 8)
    }
}
