/// A request path reduced to the segments a router could match: what access checks must look at.
///
/// Hummingbird's router skips empty segments, so `//v1/calls` reaches `/v1/calls`; a check that compared the raw
/// text with `/v1/` would miss it. Here percent-escapes are decoded (before splitting), empty and `.` segments
/// dropped and `..` pops one, so every spelling of a route (`//v1`, `/./v1`, `/%76%31`, `/x/../v1`) yields the same segments.
package struct RequestPath: Sendable, Hashable {
    /// The decoded segments, in order.
    package let segments: [String]

    /// Normalises `raw`, the path part of a request target (no query).
    package init(_ raw: some StringProtocol) {
        var segments: [String] = []
        // Decoded before splitting, so an escaped slash (`/%2Fv1/calls`) counts as one too.
        for segment in Self.percentDecoded(raw).split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(String(segment))
            }
        }
        self.segments = segments
    }

    /// Whether the path is `/v1` or below it: the routes the API token guards.
    package var isUnderV1: Bool { segments.first?.lowercased() == "v1" }

    /// The segments joined as `/a/b`.
    package var normalized: String { "/" + segments.joined(separator: "/") }

    /// `text` with each `%XX` escape decoded; a malformed escape stays as it is.
    static func percentDecoded(_ text: some StringProtocol) -> String {
        guard text.contains("%") else { return String(text) }
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
