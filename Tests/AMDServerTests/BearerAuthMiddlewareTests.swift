import AMDServer
import Foundation
import Testing

/// Every `/v1` route, spelled every way the router might still match, with and without the token, over a raw
/// socket (an HTTP client would normalise `//` and `/./` away before sending).
struct BearerAuthMiddlewareTests {
    /// `path` as the canonical form and the spellings an attacker would try.
    static func spellings(of path: String) -> [String] {
        let rest = path.dropFirst("/v1".count)
        return [
            path, "/" + path, "//" + path.dropFirst(), "/." + path, "/./." + path, "/x/.." + path,
            "/v1/" + rest.dropFirst().replacingOccurrences(of: "/", with: "//"), "/%76%31" + rest,
            "/%2F" + path.dropFirst(),
            "/V1" + rest,
        ]
    }

    @Test func everyV1RouteNeedsTheTokenHoweverItIsSpelled() async throws {
        try await withDaemon({ $0.apiToken = "tok" }) { control, ports in
            let id = try #require(control.hub.open(rtpDescriptor()))
            let body = #"{"id":"walk","match":{"ssrc":77}}"#
            let routes: [(method: String, path: String, body: String?, status: Int)] = [
                ("GET", "/v1/calls", nil, 200),
                ("GET", "/v1/calls/\(id)", nil, 200),
                ("GET", "/v1/events", nil, 200),
                ("GET", "/v1/events/ws", nil, 426),
                ("POST", "/v1/calls", body, 201),
                ("DELETE", "/v1/calls/walk", nil, 204),
            ]
            for route in routes {
                for path in Self.spellings(of: route.path) {
                    var head = "\(route.method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    if let body = route.body {
                        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                    }
                    let payload = route.body ?? ""
                    let refused = try await RawHTTPClient.exchange(port: ports.http, head + "\r\n" + payload)
                    #expect(
                        refused.status == 401, "\(route.method) \(path) without the token: \(refused.text.prefix(60))")
                }
                // With the token the canonical spelling works (POST then DELETE, so each runs once).
                let authorised = try await RawHTTPClient.exchange(
                    port: ports.http,
                    "\(route.method) \(route.path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer tok\r\n"
                        + (route.body.map {
                            "Content-Type: application/json\r\nContent-Length: \($0.utf8.count)\r\n\r\n\($0)"
                        }
                            ?? "\r\n"))
                #expect(
                    authorised.status == route.status, "\(route.method) \(route.path): \(authorised.text.prefix(60))")
            }
            // With the token, a doubled slash is the same route (the router skips empty segments).
            let doubled = try await RawHTTPClient.exchange(
                port: ports.http,
                "GET //v1/calls HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer tok\r\n\r\n")
            #expect(doubled.status == 200)
        }
    }
}
