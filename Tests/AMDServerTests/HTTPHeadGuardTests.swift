import AMDServer
import Foundation
import Testing

/// Malformed, oversized and slow request heads over a real socket: each is answered with its status and the
/// connection is closed.
struct HTTPHeadGuardTests {
    static let token = "Authorization: Bearer tok\r\n"

    static let cases: [(name: String, request: String, status: Int)] = [
        ("unknown version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        ("garbage request line", "\u{1}\u{2}garbage line\r\n\r\n", 400),
        ("no version", "GET /healthz\r\n\r\n", 400),
        ("10,000 headers", "GET /healthz HTTP/1.1\r\n" + (0..<10_000).map { "X-\($0): a\r\n" }.joined() + "\r\n", 431),
        ("1 MB header", "GET /healthz HTTP/1.1\r\nX: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n", 431),
        ("1 MB URL", "GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\n\r\n", 414),
        ("negative Content-Length", "POST /v1/calls HTTP/1.1\r\n\(token)Content-Length: -1\r\n\r\n", 400),
        ("unparsable Content-Length", "POST /v1/calls HTTP/1.1\r\n\(token)Content-Length: abc\r\n\r\n", 400),
        (
            "two Content-Lengths", "POST /v1/calls HTTP/1.1\r\n\(token)Content-Length: 2\r\nContent-Length: 3\r\n\r\n",
            400
        ),
        (
            "Content-Length with Transfer-Encoding",
            "POST /v1/calls HTTP/1.1\r\n\(token)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400
        ),
        ("gzip transfer coding", "POST /v1/calls HTTP/1.1\r\n\(token)Transfer-Encoding: gzip\r\n\r\n", 501),
        ("folded header", "GET /healthz HTTP/1.1\r\nX: a\r\n  b\r\n\r\n", 400),
        ("bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", 400),
    ]

    @Test func malformedHeadsAreAnsweredAndClosed() async throws {
        try await withDaemon({ $0.apiToken = "tok" }) { _, ports in
            for (name, request, status) in Self.cases {
                let answer = try await RawHTTPClient.exchange(port: ports.http, request)
                #expect(answer.status == status, "\(name): \(answer.text.prefix(80))")
                #expect(answer.closed, "\(name): connection left open")
                #expect(answer.text.contains("Connection: close"), "\(name)")
                #expect(answer.text.contains(#"{"error":"#), "\(name)")
            }
            // The daemon still serves.
            let health = try await RawHTTPClient.exchange(
                port: ports.http, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(health.status == 200)
        }
    }

    @Test func aSlowHeadIsTimedOut() async throws {
        try await withDaemon({ $0.apiToken = "tok" }) { _, ports in
            // A slow-loris client: part of a head, then nothing.
            let answer = try await RawHTTPClient.exchange(
                port: ports.http, "GET /healthz HTTP/1.1\r\nX-A: 1", timeout: .seconds(60))
            #expect(answer.closed)
            #expect(answer.status == 408, "\(answer.text)")
        }
    }

    @Test func aWebSocketUpgradeWithoutTheTokenGets401() async throws {
        let upgrade =
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
        try await withDaemon({ $0.apiToken = "tok" }) { _, ports in
            for path in ["/v1/events/ws", "//v1/events/ws", "/./v1/events/ws", "/%76%31/events/ws"] {
                let refused = try await RawHTTPClient.exchange(
                    port: ports.http, "GET \(path) HTTP/1.1\r\nHost: x\r\n\(upgrade)\r\n")
                #expect(refused.status == 401, "\(path): \(refused.text.prefix(80))")
                #expect(refused.text.contains("WWW-Authenticate: Bearer"))
            }
            let wrong = try await RawHTTPClient.exchange(
                port: ports.http, "GET /v1/events/ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer no\r\n\(upgrade)\r\n")
            #expect(wrong.status == 401)
        }
    }
}
