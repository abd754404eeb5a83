import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension APIServer {
    /// Longest wait a long-poll may ask for, in seconds.
    static let maxWaitSeconds = 60.0

    private struct Health: Encodable {
        var status = "ok"
        var version = APIServer.version
        var activeCalls: Int
        var lastSeq: UInt64
        enum CodingKeys: String, CodingKey {
            case status, version
            case activeCalls = "active_calls"
            case lastSeq = "last_seq"
        }
    }

    private struct CallList: Encodable {
        var calls: [Call]
    }

    private struct RegistrationRequest: Decodable {
        struct Match: Decodable {
            var source: String?
            /// Wider than `UInt32` so an out-of-range value gets a message naming the field.
            var ssrc: Int64?
        }
        var id: String
        var match: Match
        var metadata: [String: String]?
    }

    private struct RegistrationResponse: Encodable {
        var id: String
        var match: CallRegistration.Match
        var metadata: [String: String]
        var call: Call?
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(match, forKey: .match)
            try c.encode(metadata, forKey: .metadata)
            try c.encode(call, forKey: .call)
        }
        enum CodingKeys: String, CodingKey { case id, match, metadata, call }
    }

    func addRoutes() {
        router.get("/healthz") { [hub, bus] _, _ in
            JSONResponse.make(Health(activeCalls: hub.activeCount, lastSeq: bus.lastSeq))
        }
        router.get("/metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/v1/calls") { [hub] _, _ in
            JSONResponse.make(CallList(calls: hub.calls()))
        }
        router.get("/v1/calls/{id}") { [hub] _, context in
            let id = context.parameters.get("id") ?? ""
            guard let call = hub.call(id) else { throw CallHubError.notFound(id: id) }
            return JSONResponse.make(call)
        }
        router.post("/v1/calls") { [hub, maxBodyBytes] request, context in
            let body = try await Self.collectBody(request, limit: maxBodyBytes)
            let decoded: RegistrationRequest
            do {
                decoded = try JSONDecoder().decode(RegistrationRequest.self, from: Data(body.readableBytesView))
            } catch let error as DecodingError {
                throw CallHubError.invalid(error.fieldMessage)
            }
            var ssrc: UInt32?
            if let value = decoded.match.ssrc {
                guard let valid = UInt32(exactly: value) else {
                    throw CallHubError.invalid("field match.ssrc: expected an integer from 0 to 4294967295")
                }
                ssrc = valid
            }
            let registration = CallRegistration(
                id: decoded.id, match: .init(source: decoded.match.source, ssrc: ssrc),
                metadata: decoded.metadata ?? [:])
            let result = try hub.register(registration)
            context.logger.info("call registered", metadata: ["id": "\(registration.id)",
                                                              "matched": "\(result.call != nil)"])
            return JSONResponse.make(
                RegistrationResponse(
                    id: registration.id, match: registration.match, metadata: registration.metadata,
                    call: result.call),
                status: .created)
        }
        router.delete("/v1/calls/{id}") { [hub] _, context -> Response in
            try hub.delete(context.parameters.get("id") ?? "")
            return Response(status: .noContent)
        }
        router.get("/v1/events") { [bus] request, _ in
            let query = request.uri.queryParameters
            var after: UInt64 = 0
            if let text = query.get("after") {
                guard let value = UInt64(text) else {
                    throw CallHubError.invalid("after must be a non-negative integer (an event seq)")
                }
                after = value
            }
            var wait = 0.0
            if let text = query.get("wait") {
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    throw CallHubError.invalid("wait must be a number of seconds from 0 to 60")
                }
                wait = min(value, Self.maxWaitSeconds)
            }
            let page = await bus.waitForEvents(after: after, timeout: .milliseconds(Int64(wait * 1000)))
            var json = #"{"events":["#
            json += page.events.map(\.json).joined(separator: ",")
            json += #"],"next":\#(page.next),"truncated":\#(page.truncated),"oldest":"#
            json += page.oldest.map { String($0) } ?? "null"
            json += "}"
            return JSONResponse.raw(json)
        }
        // A plain GET (no upgrade headers) reaches the HTTP router: say what the route expects.
        router.get("/v1/events/ws") { _, _ -> Response in
            JSONResponse.error("this route needs a websocket upgrade", status: .upgradeRequired)
        }
    }

    /// The request body, or 413 when it is longer than `limit` bytes.
    static func collectBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw HTTPError(.contentTooLarge, message: "request body larger than \(limit) bytes")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "request body larger than \(limit) bytes")
        }
    }
}
