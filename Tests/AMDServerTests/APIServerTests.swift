import AMDCore
import AMDServer
import Foundation
import NIOHTTP1
import Testing

struct APIServerTests {
    @Test func healthAndCallsAreJSON() async throws {
        try await withDaemon { control, ports in
            let health = try await request(.GET, port: ports.http, "/healthz")
            #expect(health.status == 200)
            #expect(health.headers.first(name: "Content-Type") == "application/json")
            #expect(health.json["status"] as? String == "ok")

            let id = try #require(control.hub.open(rtpDescriptor()))
            let list = try await request(.GET, port: ports.http, "/v1/calls")
            let calls = try #require(list.json["calls"] as? [[String: Any]])
            #expect(calls.map { $0["id"] as? String } == [id])

            let one = try await request(.GET, port: ports.http, "/v1/calls/\(id)")
            #expect(one.status == 200 && one.json["state"] as? String == "active")
            #expect(one.json["beep"] is NSNull)

            let missing = try await request(.GET, port: ports.http, "/v1/calls/nope")
            #expect(missing.status == 404 && missing.json["error"] is String)
            #expect(missing.headers.first(name: "Content-Type") == "application/json")

            let unknown = try await request(.GET, port: ports.http, "/v2/whatever")
            #expect(unknown.status == 404 && unknown.json["error"] is String)
        }
    }

    @Test func registrationRenamesAStream() async throws {
        try await withDaemon { control, ports in
            let hubID = try #require(control.hub.open(rtpDescriptor(source: "127.0.0.1:41000", ssrc: 4242)))
            let created = try await request(
                .POST, port: ports.http, "/v1/calls",
                body:
                    #"{"id":"controller-7","match":{"source":"127.0.0.1:41000","ssrc":4242},"metadata":{"agent":"a1"}}"#
            )
            #expect(created.status == 201)
            let call = try #require(created.json["call"] as? [String: Any])
            #expect(call["id"] as? String == "controller-7")
            control.hub.beep(hubID, event: sampleBeep, counters: CallCounters(audioMs: 1400))
            let renamed = try await request(.GET, port: ports.http, "/v1/calls/controller-7")
            #expect(renamed.status == 200)
            #expect((renamed.json["beep"] as? [String: Any])?["onset_ms"] as? Int == 1200)
            #expect((renamed.json["metadata"] as? [String: String])?["agent"] == "a1")
            let events = try await request(.GET, port: ports.http, "/v1/events?after=1")
            let beep = try #require((events.json["events"] as? [[String: Any]])?.first)
            #expect(beep["call_id"] as? String == "controller-7")
            #expect(beep["uuids"] as? [String] == ["controller-7"])

            // Registering before the media: the stream takes the id when it starts.
            let early = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"later","match":{"ssrc":99}}"#)
            #expect(early.status == 201 && early.json["call"] is NSNull)
            _ = try #require(control.hub.open(rtpDescriptor(ssrc: 99)))
            #expect(try await request(.GET, port: ports.http, "/v1/calls/later").status == 200)

            let deleted = try await request(.DELETE, port: ports.http, "/v1/calls/later")
            #expect(deleted.status == 204)
            #expect(try await request(.GET, port: ports.http, "/v1/calls/later").status == 404)
            #expect(try await request(.DELETE, port: ports.http, "/v1/calls/later").status == 404)
        }
    }

    @Test func badRequestsGetTheRightStatus() async throws {
        try await withDaemon({ $0.maxBodyBytes = 1024 }) { _, ports in
            let malformed = try await request(.POST, port: ports.http, "/v1/calls", body: "{not json")
            #expect(malformed.status == 400 && malformed.json["error"] is String)
            let missing = try await request(.POST, port: ports.http, "/v1/calls", body: #"{"match":{"ssrc":1}}"#)
            #expect(missing.status == 400 && (missing.json["error"] as? String)?.contains("id") == true)
            let badSSRC = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"x","match":{"ssrc":-4}}"#)
            #expect(
                badSSRC.status == 400 && (badSSRC.json["error"] as? String)?.contains("match.ssrc") == true,
                "\(badSSRC.body)")
            let emptyMatch = try await request(.POST, port: ports.http, "/v1/calls", body: #"{"id":"x","match":{}}"#)
            #expect(emptyMatch.status == 400)

            let first = try await request(.POST, port: ports.http, "/v1/calls", body: #"{"id":"x","match":{"ssrc":1}}"#)
            #expect(first.status == 201)
            let sameID = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"x","match":{"ssrc":2}}"#)
            #expect(sameID.status == 409 && sameID.json["error"] is String)
            let sameMatch = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"y","match":{"ssrc":1}}"#)
            #expect(sameMatch.status == 409)

            let huge =
                "{\"id\":\"z\",\"match\":{\"ssrc\":3},\"metadata\":{\"pad\":\"" + String(repeating: "a", count: 4000)
                + "\"}}"
            let tooLarge = try await request(.POST, port: ports.http, "/v1/calls", body: huge)
            #expect(tooLarge.status == 413 && tooLarge.json["error"] is String)

            let badAfter = try await request(.GET, port: ports.http, "/v1/events?after=-1")
            #expect(badAfter.status == 400)
            let plainWS = try await request(.GET, port: ports.http, "/v1/events/ws")
            #expect(plainWS.status == 426)
        }
    }

    @Test func tokenIsRequiredOnV1() async throws {
        try await withDaemon({ $0.apiToken = "s3cret" }) { _, ports in
            #expect(try await request(.GET, port: ports.http, "/v1/calls").status == 401)
            let wrong = try await request(.GET, port: ports.http, "/v1/calls", token: "s3creT")
            #expect(wrong.status == 401 && wrong.json["error"] is String)
            #expect(try await request(.GET, port: ports.http, "/v1/calls", token: "s3cret").status == 200)
            #expect(try await request(.GET, port: ports.http, "/v1/events", token: "s3cret!").status == 401)
            #expect(try await request(.GET, port: ports.http, "/healthz").status == 200)
        }
    }

    @Test func longPollWakesUpOnABeep() async throws {
        try await withDaemon { control, ports in
            let id = try #require(control.hub.open(rtpDescriptor()))
            let after = control.bus.lastSeq
            let started = ContinuousClock.now
            async let poll = request(.GET, port: ports.http, "/v1/events?after=\(after)&wait=30")
            try await eventually("the long-poll to wait") { control.bus.subscriberCount > 0 }
            control.hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400))
            let response = try await poll
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(response.status == 200)
            let events = try #require(response.json["events"] as? [[String: Any]])
            #expect(events.count == 1 && events.first?["type"] as? String == "beep")
            #expect(events.first?["beep_detected"] as? Bool == true)
            #expect(response.json["next"] as? Int == Int(after) + 1)
        }
    }

    @Test func eventsSayWhenHistoryWasTruncated() async throws {
        try await withDaemon({ $0.eventHistory = 2 }) { control, ports in
            for ssrc in 0..<3 as Range<UInt32> { _ = control.hub.open(rtpDescriptor(ssrc: ssrc)) }
            let page = try await request(.GET, port: ports.http, "/v1/events?after=0")
            #expect(page.json["truncated"] as? Bool == true)
            #expect(page.json["oldest"] as? Int == 2)
            #expect((page.json["events"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func longPollCountsOnlyTheEventsItsClientLost() async throws {
        try await withDaemon({ $0.eventHistory = 3 }) { control, ports in
            // Two events while a poll waits: its wake-up buffer of one overflows, but nothing is lost to the client.
            let after = control.bus.lastSeq
            async let poll = request(.GET, port: ports.http, "/v1/events?after=\(after)&wait=30")
            try await eventually("the long-poll to wait") { control.bus.subscriberCount > 0 }
            for ssrc in 0..<2 as Range<UInt32> { _ = control.hub.open(rtpDescriptor(ssrc: ssrc)) }
            #expect(try await poll.status == 200)
            let dropped = #"amd_events_dropped_total{channel="longpoll"}"#
            #expect(metricValue(try await fetchMetrics(port: ports.http), dropped) == 0)

            // Seven events in all, three kept: a client that had read up to seq 1 lost seqs 2 to 4.
            for ssrc in 2..<7 as Range<UInt32> { _ = control.hub.open(rtpDescriptor(ssrc: ssrc)) }
            let behind = try await request(.GET, port: ports.http, "/v1/events?after=1")
            #expect(behind.json["truncated"] as? Bool == true && behind.json["oldest"] as? Int == 5)
            #expect(metricValue(try await fetchMetrics(port: ports.http), dropped) == 3)
            // A client starting from the beginning has lost nothing it had.
            _ = try await request(.GET, port: ports.http, "/v1/events?after=0")
            #expect(metricValue(try await fetchMetrics(port: ports.http), dropped) == 3)
        }
    }

    @Test func metricsAreExported() async throws {
        try await withDaemon { control, ports in
            let id = try #require(control.hub.open(rtpDescriptor()))
            control.hub.beep(id, event: sampleBeep, counters: CallCounters())
            let metrics = try await request(.GET, port: ports.http, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("amd_beeps_total 1"))
            #expect(metrics.body.contains("amd_calls_active 1"))
            #expect(metrics.body.contains(#"amd_rtp_packets_dropped_total{reason="bad_version"}"#))
            #expect(metrics.body.contains(#"amd_events_sent_total{channel="webhook"}"#))
            #expect(metrics.body.contains("amd_detector_seconds_total"))
        }
    }

    @Test func registrationValidatesSourceAndSSRCNamingTheField() async throws {
        try await withDaemon { _, ports in
            let cases: [(body: String, field: String)] = [
                (#"{"id":"a","match":{"source":"not-an-address"}}"#, "match.source"),
                (#"{"id":"a","match":{"source":"127.0.0.1:99999"}}"#, "match.source"),
                (#"{"id":"a","match":{"source":"127.0.0.1:0"}}"#, "match.source"),
                (#"{"id":"a","match":{"source":"host.example:5004"}}"#, "match.source"),
                (#"{"id":"a","match":{"ssrc":null}}"#, "match.ssrc"),
                (#"{"id":"a","match":{"ssrc":"12"}}"#, "match.ssrc"),
                (#"{"id":"a","match":{"ssrc":4294967296}}"#, "match.ssrc"),
                (#"{"id":"a","match":{"source":null,"ssrc":1}}"#, "match.source"),
                (#"{"id":"a","match":{"ssrc":1},"metadata":null}"#, "metadata"),
                (#"{"id":"a","match":{}}"#, "match"),
            ]
            for (body, field) in cases {
                let response = try await request(.POST, port: ports.http, "/v1/calls", body: body)
                #expect(response.status == 400, "\(body)")
                #expect((response.json["error"] as? String)?.contains(field) == true, "\(body): \(response.body)")
            }
            // An IPv6 source is kept in the form the ingress shows calls with.
            let v6 = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"v6","match":{"source":"[::0001]:5004"}}"#)
            #expect(v6.status == 201)
            #expect((v6.json["match"] as? [String: Any])?["source"] as? String == "[::1]:5004")
        }
    }

    @Test func jsonBodiesNeedTheJSONContentType() async throws {
        try await withDaemon { _, ports in
            let body = #"{"id":"a","match":{"ssrc":1}}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", ""] {
                let header = type.isEmpty ? "" : "Content-Type: \(type)\r\n"
                let answer = try await RawHTTPClient.exchange(
                    port: ports.http,
                    "POST /v1/calls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\(header)"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
                #expect(answer.status == 415, "\(type): \(answer.text.prefix(80))")
            }
            let withCharset = try await request(
                .POST, port: ports.http, "/v1/calls", body: body,
                headers: [("Content-Type", "application/json; charset=utf-8")])
            #expect(withCharset.status == 201)
        }
    }

    @Test func methodsOutsideTheContractGet405AndWaitIsBounded() async throws {
        try await withDaemon { _, ports in
            let trace = try await RawHTTPClient.exchange(
                port: ports.http, "TRACE /v1/calls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(trace.status == 405)
            let allow = trace.text.split(separator: "\r\n").first { $0.hasPrefix("Allow: ") }
            let allowed = Set((allow?.dropFirst("Allow: ".count).split(separator: ", ") ?? []).map(String.init))
            #expect(allowed == ["GET", "HEAD", "POST"], "\(trace.text)")
            let put = try await request(.PUT, port: ports.http, "/v1/calls/x")
            #expect(put.status == 405)
            let postHealth = try await request(.POST, port: ports.http, "/healthz", body: "{}")
            #expect(postHealth.status == 405)
            let deleteSocket = try await request(.DELETE, port: ports.http, "/socket")
            #expect(deleteSocket.status == 405)
            #expect(try await request(.PUT, port: ports.http, "/nowhere").status == 404)
            #expect(try await request(.GET, port: ports.http, "/v1/events?wait=61").status == 400)
            #expect(try await request(.GET, port: ports.http, "/v1/events?wait=60.5").status == 400)
            #expect(try await request(.GET, port: ports.http, "/v1/events?wait=0.01").status == 200)
        }
    }

    @Test func headIsServedWhereverGetIs() async throws {
        try await withDaemon({ $0.apiToken = "s3cret" }) { _, ports in
            func head(_ path: String, token: String? = nil) async throws -> RawHTTPClient.Answer {
                let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
                return try await RawHTTPClient.exchange(
                    port: ports.http, "HEAD \(path) HTTP/1.1\r\nHost: x\r\n\(authorization)Connection: close\r\n\r\n")
            }
            let health = try await head("/healthz")
            #expect(health.status == 200, "\(health.text)")
            #expect(health.text.contains("Content-Type: application/json"), "\(health.text)")
            // The head carries GET's length, and no body follows it.
            #expect(health.text.hasSuffix("\r\n\r\n"), "\(health.text)")
            #expect(try await head("/metrics").status == 200)
            // HEAD is no way around the token.
            #expect(try await head("/v1/calls").status == 401)
            #expect(try await head("/v1/calls", token: "s3cret").status == 200)
            #expect(try await head("/v1/calls/nope", token: "s3cret").status == 404)
        }
    }

    @Test func aBadChunkSizeIs400() async throws {
        try await withDaemon { _, ports in
            let answer = try await RawHTTPClient.exchange(
                port: ports.http,
                "POST /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzzzz\r\n")
            #expect(answer.status == 400, "\(answer.text.prefix(80))")
            #expect(answer.closed)
        }
    }

    @Test func aTooLargeBodyIsRefusedAndItsConnectionClosed() async throws {
        try await withDaemon({ $0.maxBodyBytes = 65_536 }) { _, ports in
            let head =
                "POST /v1/calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1048576\r\n\r\n"
            let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 65_536)
            // 1 MB in 64 KB pieces; the client reads the 413 and the server must close (not keep the socket).
            let answer = try await RawHTTPClient.exchange(
                port: ports.http, [Array(head.utf8)] + Array(repeating: piece, count: 16))
            #expect(answer.status == 413, "\(answer.text.prefix(80))")
            #expect(answer.text.contains("Connection: close"))
            #expect(answer.closed)
            // A client that stops half-way and waits is closed too.
            let stalled = try await RawHTTPClient.exchange(port: ports.http, [Array(head.utf8), piece])
            #expect(stalled.status == 413)
            #expect(stalled.closed)
        }
    }

    @Test func longPollRepliesAndCallLimitRefusalsAreCounted() async throws {
        try await withDaemon({ $0.maxCalls = 1 }) { control, ports in
            _ = try #require(control.hub.open(rtpDescriptor(ssrc: 1)))
            #expect(control.hub.open(rtpDescriptor(ssrc: 2)) == nil)
            _ = try #require(control.hub.open(rtpDescriptor(ssrc: 2)) == nil ? "refused" : nil)
            let page = try await request(.GET, port: ports.http, "/v1/events?after=0")
            #expect((page.json["events"] as? [[String: Any]])?.count == 1)
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_events_sent_total{channel="longpoll"}"#) == 1)
            #expect(metricValue(metrics, "amd_calls_rejected_total") == 2)
        }
    }
}
