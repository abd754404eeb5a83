/// Why the connection guard refused a request head before the HTTP decoder saw it; each case names its status.
///
/// The guard answers with the status and ``message`` as `{"error": …}`, then closes the connection: a peer that
/// sent a malformed head cannot be trusted to frame the next request correctly.
package enum HTTPHeadRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request line is not `METHOD SP TARGET SP HTTP/x.y` (400).
    case badRequestLine
    /// The version is well formed but not HTTP/1.0 or HTTP/1.1 (505).
    case unsupportedVersion
    /// A header line is not `name: value` with a token name and visible value bytes, or is folded (400).
    case badHeaderLine
    /// `Content-Length` is not a decimal number, or two of them differ (400).
    case badContentLength
    /// `Content-Length` and `Transfer-Encoding` together: the body's end would be ambiguous (400).
    case contentLengthWithTransferEncoding
    /// A transfer coding other than `chunked` (501).
    case unsupportedTransferEncoding
    /// The request line is longer than the limit, in bytes (414).
    case uriTooLong(limit: Int)
    /// The head is longer than the limit in bytes, or has more header lines than allowed (431).
    case headTooLarge(bytes: Int, fields: Int)
    /// The head did not arrive whole within the time allowed (408).
    case timedOut
    /// A websocket upgrade under `/v1` without the API token (401).
    case unauthorized

    /// The HTTP status code of the answer.
    package var statusCode: Int {
        switch self {
        case .badRequestLine, .badHeaderLine, .badContentLength, .contentLengthWithTransferEncoding: 400
        case .unauthorized: 401
        case .timedOut: 408
        case .uriTooLong: 414
        case .headTooLarge: 431
        case .unsupportedTransferEncoding: 501
        case .unsupportedVersion: 505
        }
    }

    /// The reason phrase of ``statusCode``.
    package var reasonPhrase: String {
        switch statusCode {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 408: "Request Timeout"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 501: "Not Implemented"
        default: "HTTP Version Not Supported"
        }
    }

    /// A one-line message for the `error` field.
    package var description: String {
        switch self {
        case .badRequestLine: "malformed request line"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are served"
        case .badHeaderLine: "malformed header line"
        case .badContentLength: "Content-Length must be one non-negative decimal number"
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding must not both be sent"
        case .unsupportedTransferEncoding: "only the chunked transfer coding is supported"
        case .uriTooLong(let limit): "request line longer than \(limit) bytes"
        case .headTooLarge(let bytes, let fields):
            "request head larger than \(bytes) bytes or with more than \(fields) header fields"
        case .timedOut: "request head not received in time"
        case .unauthorized: "missing or wrong bearer token"
        }
    }

    /// The whole HTTP/1.1 response: status line, JSON body, `Connection: close`.
    package var response: String {
        let body = #"{"error":""# + description + #""}"#
        var head = "HTTP/1.1 \(statusCode) \(reasonPhrase)\r\nContent-Type: application/json\r\n"
        if self == .unauthorized { head += "WWW-Authenticate: Bearer\r\n" }
        return head + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }
}
