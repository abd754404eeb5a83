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
            try Self.requireJSON(request)
            let body = try await Self.collectBody(request, context: context, limit: maxBodyBytes)
            let registration = try CallRegistration(requestBody: Data(body.readableBytesView))
            let result = try hub.register(registration)
            let stored = result.registration
            context.logger.info(
                "call registered", metadata: ["id": "\(stored.id)", "matched": "\(result.call != nil)"])
            return JSONResponse.make(
                RegistrationResponse(id: stored.id, match: stored.match, metadata: stored.metadata, call: result.call),
                status: .created)
        }
        router.delete("/v1/calls/{id}") { [hub] _, context -> Response in
            try hub.delete(context.parameters.get("id") ?? "")
            return Response(status: .noContent)
        }
        router.get("/v1/events") { [bus, metrics] request, _ in
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
                guard let value = Double(text), value.isFinite, value >= 0, value <= Self.maxWaitSeconds else {
                    throw CallHubError.invalid("wait must be a number of seconds from 0 to 60")
                }
                wait = value
            }
            let page = await bus.waitForEvents(after: after, timeout: .milliseconds(Int64(wait * 1000)))
            var json = #"{"events":["#
            json += page.events.map(\.json).joined(separator: ",")
            json += #"],"next":\#(page.next),"truncated":\#(page.truncated),"oldest":"#
            json += page.oldest.map { String($0) } ?? "null"
            json += "}"
            if !page.events.isEmpty { metrics.eventSent(channel: .longpoll, count: page.events.count) }
            // A client that had read up to `after` lost the events forgotten since; `after=0` has read nothing yet.
            if after > 0, page.truncated, let oldest = page.oldest {
                metrics.eventDropped(channel: .longpoll, count: Int(oldest - after - 1))
            }
            return JSONResponse.raw(json)
        }
        // A plain GET (no upgrade headers) reaches the HTTP router: say what the route expects.
        router.get("/v1/events/ws") { _, _ -> Response in
            JSONResponse.error("this route needs a websocket upgrade", status: .upgradeRequired)
        }
    }

    /// The request body, or 413 when it is longer than `limit` bytes.
    ///
    /// A refused body is not read: the answer says `Connection: close`, and the connection is closed after
    /// ``lingerTime``, while Hummingbird discards what the client still sends, so the client reads the 413 rather
    /// than a reset and the socket does not stay open behind a client that stops half-way.
    static func collectBody(_ request: Request, context: Context, limit: Int) async throws -> ByteBuffer {
        do {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                throw NIOTooManyBytesError(maxBytes: limit)
            }
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: lingerTime) { channel.close(promise: nil) }
            throw HTTPError(
                .contentTooLarge, headers: [.connection: "close"], message: "request body larger than \(limit) bytes")
        }
    }

    /// Throws 415 unless the request says its body is JSON (`application/json`, parameters allowed).
    static func requireJSON(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first.map {
            String($0.filter { $0 != " " && $0 != "\t" }).lowercased()
        }
        guard type == "application/json" else {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json")
        }
    }
}
