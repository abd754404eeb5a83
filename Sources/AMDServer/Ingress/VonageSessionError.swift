/// Why a Vonage websocket connection is closed by the daemon; each case carries its websocket close code.
///
/// The ``description`` is the close frame's reason (at most 123 bytes, as RFC 6455 allows) and names the input and
/// its fault; ``label`` is the `reason` label of `amd_ws_connections_rejected_total`.
package enum VonageSessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first message is not a JSON object (1007, invalid payload).
    case headerNotJSON
    /// The first message is JSON but its `event` is not `websocket:connected` (1008, policy); carries the event seen.
    case notConnectedEvent(String?)
    /// The `websocket:connected` message has no `content-type` (1003, unsupported data).
    case missingContentType
    /// The content type is not `audio/l16` at 8000 or 16000 Hz (1003, unsupported data); carries the value seen.
    case unsupportedContentType(String)
    /// A binary message came before the `websocket:connected` text (1008, policy); carries its size in bytes.
    case audioBeforeHeader(bytes: Int)
    /// A binary message holds an odd number of bytes, so not whole 16-bit samples (1007, invalid payload).
    case oddByteCount(Int)
    /// A message is larger than `--ws-max-message` (1009, too big); sizes in bytes.
    case messageTooLarge(bytes: Int, limit: Int)
    /// Nothing arrived for `--ws-idle-timeout` (1008, policy); in milliseconds.
    case idleTimeout(ms: Int64)
    /// The daemon is at `--max-calls` (1013, try again later).
    case callLimit
    /// The call's detector could not be built for this stream (1011, server error); carries the detector's message.
    case detectorUnavailable(String)

    /// The websocket close code (RFC 6455 section 7.4).
    package var closeCode: UInt16 {
        switch self {
        case .headerNotJSON, .oddByteCount: 1007
        case .notConnectedEvent, .audioBeforeHeader, .idleTimeout: 1008
        case .missingContentType, .unsupportedContentType: 1003
        case .messageTooLarge: 1009
        case .callLimit: 1013
        case .detectorUnavailable: 1011
        }
    }

    /// The `reason` label of the rejection metric, also the call's `end_reason` when a call was open.
    package var label: String {
        switch self {
        case .headerNotJSON: "header_not_json"
        case .notConnectedEvent: "not_connected_event"
        case .missingContentType: "missing_content_type"
        case .unsupportedContentType: "unsupported_content_type"
        case .audioBeforeHeader: "audio_before_header"
        case .oddByteCount: "odd_byte_count"
        case .messageTooLarge: "too_large"
        case .idleTimeout: "idle"
        case .callLimit: "call_limit"
        case .detectorUnavailable: "detector_unavailable"
        }
    }

    /// Every label, so the metric's series exist from the start.
    package static let labels = [
        "header_not_json", "not_connected_event", "missing_content_type", "unsupported_content_type",
        "audio_before_header", "odd_byte_count", "too_large", "idle", "call_limit", "detector_unavailable",
    ]

    /// The close reason: what was wrong, naming the input; at most 123 bytes of UTF-8.
    package var description: String {
        let text: String
        switch self {
        case .headerNotJSON:
            text = "first message is not a JSON object; expected {\"event\":\"websocket:connected\",...}"
        case .notConnectedEvent(let event):
            text = "first message has event \(event.map { "\"\($0)\"" } ?? "none"), expected \"websocket:connected\""
        case .missingContentType:
            text = "websocket:connected has no content-type; expected audio/l16;rate=16000 or 8000"
        case .unsupportedContentType(let value):
            text = "unsupported content-type \"\(value)\"; expected audio/l16;rate=16000 or 8000"
        case .audioBeforeHeader(let bytes):
            text = "binary message (\(bytes) bytes) before the websocket:connected message"
        case .oddByteCount(let bytes):
            text = "binary message of \(bytes) bytes is not whole 16-bit samples"
        case .messageTooLarge(let bytes, let limit):
            text = "message of \(bytes) bytes is over the \(limit)-byte limit"
        case .idleTimeout(let ms):
            text = "no message for \(ms) ms (idle timeout)"
        case .callLimit:
            text = "at the concurrent call limit; try again later"
        case .detectorUnavailable(let message):
            text = "cannot start the detector: \(message)"
        }
        return Self.truncated(text, maxBytes: 123)
    }

    /// `text` cut at a character boundary so its UTF-8 form fits in `maxBytes`.
    static func truncated(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            result.append(character)
            bytes += size
        }
        return result
    }
}
