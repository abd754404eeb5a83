import AMDCore
import FoundationEssentials

/// The first message of a Vonage Voice API websocket: `{"event":"websocket:connected","content-type":…, …headers}`.
///
/// Vonage flattens the NCCO `connect` action's `headers` to the top level of this message; the call id comes from
/// `uuid`, then `conversation_uuid`, then `call_uuid`, and every scalar header is kept as call metadata.
package struct VonageHeader: Sendable, Hashable {
    /// Samples per second of the PCM that follows: 16000 or 8000.
    package var sampleRate: Int
    /// The id to propose for the call, from the headers; `nil` lets the hub make one.
    package var callID: String?
    /// Scalar headers other than `event` and `content-type`, as strings (at most ``maxMetadataEntries``).
    package var metadata: [String: String]

    /// Headers kept as metadata at most; more are dropped.
    package static let maxMetadataEntries = 32
    /// Longest header name and value kept, in characters; longer ones are cut.
    package static let maxMetadataLength = 256
    /// Headers naming the call, in order of preference.
    package static let idKeys = ["uuid", "conversation_uuid", "call_uuid"]

    /// The codec name the API shows: `"L16/16000"` or `"L16/8000"`.
    package var codec: String { "L16/\(sampleRate)" }

    /// Creates a header from its parts.
    package init(sampleRate: Int, callID: String? = nil, metadata: [String: String] = [:]) {
        self.sampleRate = sampleRate
        self.callID = callID
        self.metadata = metadata
    }

    /// Parses the first message's UTF-8 bytes.
    ///
    /// Throws ``VonageSessionError/headerNotJSON`` when it is not a JSON object,
    /// ``VonageSessionError/notConnectedEvent(_:)`` when `event` is not `websocket:connected`,
    /// ``VonageSessionError/missingContentType`` and ``VonageSessionError/unsupportedContentType(_:)`` for the
    /// content type.
    package init(parsing bytes: UnsafeRawBufferPointer) throws(VonageSessionError) {
        guard let object = Self.jsonObject(bytes) else { throw .headerNotJSON }
        let event = object["event"]?.string
        guard event == "websocket:connected" else { throw .notConnectedEvent(event.map { String($0.prefix(40)) }) }
        guard let contentType = object["content-type"]?.string else { throw .missingContentType }
        guard let rate = Self.linear16Rate(contentType) else {
            throw .unsupportedContentType(String(contentType.prefix(48)))
        }
        sampleRate = rate
        callID = Self.idKeys.lazy.compactMap { object[$0]?.string }.first { !$0.isEmpty }
        var metadata: [String: String] = [:]
        for key in object.keys.sorted() where key != "event" && key != "content-type" {
            guard metadata.count < Self.maxMetadataEntries, let value = object[key]?.scalarText else { continue }
            metadata[String(key.prefix(Self.maxMetadataLength))] = String(value.prefix(Self.maxMetadataLength))
        }
        self.metadata = metadata
    }

    /// The rate of `audio/l16;rate=N` when N is 16000 or 8000 (case and spaces ignored), else `nil`.
    package static func linear16Rate(_ contentType: String) -> Int? {
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingWhitespace() }
        guard parts.first == "audio/l16" else { return nil }
        var rate: Int?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            if pair.count == 2, pair[0] == "rate" { rate = Int(pair[1]) }
        }
        guard let rate, rate == 16000 || rate == 8000 else { return nil }
        return rate
    }

    /// The message as a JSON object, or `nil`.
    static func jsonObject(_ bytes: UnsafeRawBufferPointer) -> [String: JSONValue]? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes))
    }
}
