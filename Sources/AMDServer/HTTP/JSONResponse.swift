package import FoundationEssentials
package import HTTPTypes
package import Hummingbird
import NIOCore

/// Builds the API's responses: JSON bodies with `Content-Type: application/json`.
package enum JSONResponse {
    /// A response whose body is `value` encoded as JSON.
    package static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return raw(#"{"error":"response could not be encoded"}"#, status: .internalServerError)
        }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response whose body is already JSON text.
    package static func raw(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// An error response: `{"error": message}`.
    package static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        make(["error": message], status: status)
    }
}
