/// Checks the first request head of a connection, line by line as its bytes arrive, before the HTTP decoder.
///
/// Hummingbird's websocket-upgrade pipeline answers nothing while it waits for the first head: a decoder error
/// there leaves the connection open for good. This value checks the head first, with limits of its own, and says
/// whether to wait, hand the bytes on, or refuse (``HTTPHeadRejection``). Each complete line is checked once,
/// so a head sent a byte at a time costs O(length), not O(length²).
package struct HTTPHeadValidator: Sendable {
    /// Bounds of a request head.
    package struct Limits: Sendable, Hashable {
        /// Longest request line (method, target, version), in bytes; longer gets 414.
        package var maxRequestLineBytes: Int
        /// Longest head (request line, header lines, blank line), in bytes; longer gets 431.
        package var maxHeadBytes: Int
        /// Most header lines; more gets 431.
        package var maxHeaderFields: Int

        /// Creates limits; the defaults leave room for any request of the API and its clients.
        package init(maxRequestLineBytes: Int = 8 * 1024, maxHeadBytes: Int = 16 * 1024, maxHeaderFields: Int = 100) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeadBytes = maxHeadBytes
            self.maxHeaderFields = maxHeaderFields
        }
    }

    /// What to do with the bytes seen so far.
    package enum Action: Sendable, Hashable {
        /// The head is not complete yet and nothing is wrong so far.
        case needMore
        /// The head is complete and acceptable: hand every byte on.
        case forward
        /// Answer with the rejection and close.
        case reject(HTTPHeadRejection)
    }

    /// What the head says that matters past the checks.
    package struct Head: Sendable, Hashable {
        /// The request target's path (before any `?`), as sent.
        package var path = ""
        /// The `Authorization` header, if any.
        package var authorization: String?
        /// Whether the request asks for a websocket upgrade (`Upgrade: websocket`).
        package var isWebSocketUpgrade = false
    }

    /// The limits in force.
    package let limits: Limits
    /// What the head said, filled in as its lines are checked.
    package private(set) var head = Head()
    private var lineStart = 0
    /// Bytes already searched for a line end.
    private var scanned = 0
    private var fields = 0
    private var sawRequestLine = false
    private var contentLength: [UInt8]?
    private var sawTransferEncoding = false

    /// Creates a validator for one connection's first head.
    package init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Checks the lines completed since the last call; `bytes` is everything received so far, in order.
    package mutating func inspect(_ bytes: [UInt8]) -> Action {
        while let newline = bytes[max(lineStart, scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
            // A line must end in CRLF; a bare LF is refused, as NIO's strict parser would.
            guard newline > lineStart, bytes[newline - 1] == UInt8(ascii: "\r") else {
                return .reject(sawRequestLine ? .badHeaderLine : .badRequestLine)
            }
            let line = bytes[lineStart..<(newline - 1)]
            lineStart = newline + 1
            if !sawRequestLine {
                guard line.count <= limits.maxRequestLineBytes else {
                    return .reject(.uriTooLong(limit: limits.maxRequestLineBytes))
                }
                if let rejection = checkRequestLine(line) { return .reject(rejection) }
                sawRequestLine = true
            } else if line.isEmpty {
                guard lineStart <= limits.maxHeadBytes else { return tooLarge }
                return finish()
            } else {
                fields += 1
                guard fields <= limits.maxHeaderFields, lineStart <= limits.maxHeadBytes else { return tooLarge }
                if let rejection = checkHeaderLine(line) { return .reject(rejection) }
            }
        }
        // An incomplete line: refuse early what can already be refused.
        scanned = bytes.count
        if !sawRequestLine {
            if bytes.count > limits.maxRequestLineBytes {
                return .reject(.uriTooLong(limit: limits.maxRequestLineBytes))
            }
            let method = bytes.prefix(Self.maxMethodBytes + 1)
            if let space = method.firstIndex(of: UInt8(ascii: " ")) {
                guard space > 0, method[..<space].allSatisfy(Self.isTokenByte) else { return .reject(.badRequestLine) }
            } else if !method.allSatisfy(Self.isTokenByte) || method.count > Self.maxMethodBytes {
                return .reject(.badRequestLine)
            }
        } else if bytes.count > limits.maxHeadBytes {
            return tooLarge
        }
        return .needMore
    }

    /// The longest method accepted, in bytes (the API's are at most 7: `OPTIONS`, `DELETE`).
    static let maxMethodBytes = 16

    private var tooLarge: Action {
        .reject(.headTooLarge(bytes: limits.maxHeadBytes, fields: limits.maxHeaderFields))
    }

    private mutating func checkRequestLine(_ line: ArraySlice<UInt8>) -> HTTPHeadRejection? {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, (1...Self.maxMethodBytes).contains(parts[0].count),
            parts[0].allSatisfy(Self.isTokenByte), !parts[1].isEmpty,
            parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return .badRequestLine }
        let version = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, version.starts(with: prefix), Self.isDigit(version[5]),
            version[6] == UInt8(ascii: "."), Self.isDigit(version[7])
        else { return .badRequestLine }
        guard version[5] == UInt8(ascii: "1"), version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1")
        else { return .unsupportedVersion }
        let target = parts[1]
        let pathEnd = target.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        head.path = String(decoding: target[..<pathEnd], as: UTF8.self)
        return nil
    }

    private mutating func checkHeaderLine(_ line: ArraySlice<UInt8>) -> HTTPHeadRejection? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
            line[..<colon].allSatisfy(Self.isTokenByte)
        else { return .badHeaderLine }
        let value = Self.trimmed(line[(colon + 1)...])
        guard value.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else { return .badHeaderLine }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        switch name {
        case "content-length":
            guard !value.isEmpty, value.count <= Self.maxContentLengthDigits, value.allSatisfy(Self.isDigit),
                contentLength == nil || contentLength == Array(value)
            else { return .badContentLength }
            contentLength = Array(value)
        case "transfer-encoding":
            guard String(decoding: value, as: UTF8.self).lowercased() == "chunked", !sawTransferEncoding else {
                return .unsupportedTransferEncoding
            }
            sawTransferEncoding = true
        case "authorization":
            head.authorization = String(decoding: value, as: UTF8.self)
        case "upgrade":
            head.isWebSocketUpgrade = String(decoding: value, as: UTF8.self).lowercased() == "websocket"
        default:
            break
        }
        return nil
    }

    private func finish() -> Action {
        if contentLength != nil && sawTransferEncoding { return .reject(.contentLengthWithTransferEncoding) }
        return .forward
    }

    /// Digits of the largest `Content-Length` read (18 fit an `Int64` with room to spare).
    static let maxContentLengthDigits = 18

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// RFC 9110 `tchar`: the bytes of a method or a header name.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            tokenPunctuation.contains(byte)
        }
    }

    /// The punctuation RFC 9110 allows in a token.
    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)
}
