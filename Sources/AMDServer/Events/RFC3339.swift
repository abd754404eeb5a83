package import FoundationEssentials

/// RFC 3339 timestamps with milliseconds in UTC (`2025-01-31T12:34:56.789Z`), the one time format of the API.
package enum RFC3339 {
    /// Writes `date` as RFC 3339 in UTC with milliseconds.
    package static func string(from date: Date) -> String {
        // Whole milliseconds, computed with a little slack so that a parsed `.123` (stored as .12299…) stays .123.
        let totalMs = Int64((date.timeIntervalSince1970 * 1000 + 0.0005).rounded(.down))
        let (seconds, ms) = totalMs.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, millis) = ms < 0 ? (seconds - 1, ms + 1000) : (seconds, ms)
        let base = Date(timeIntervalSince1970: Double(wholeSeconds))
            .formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let fraction = String(millis + 1000).dropFirst()
        return base.dropLast() + "." + fraction + "Z"
    }

    /// Parses an RFC 3339 time with or without fractional seconds; `nil` if `text` is not one.
    package static func date(from text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Decodes a required RFC 3339 string field of a keyed container.
    package static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = date(from: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(text) is not an RFC 3339 time")
        }
        return date
    }
}
