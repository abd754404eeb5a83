import AMDCore
import AMDServer
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Each counter and gauge of `/metrics` that no other suite moves is caused here, through the daemon's real sockets,
/// and read back from `/metrics`; ``everyExportedSeriesIsExercisedByATest()`` keeps that true for new metrics.
struct MetricsCoverageTests {
    @Test func sourcesBeyondTheProbationTableAreCountedAsProbationFull() async throws {
        let capacity = 128
        let sources = capacity + 72
        try await withRTPDaemon { control, ports in
            // One packet from each of 200 source ports, all inside the table's minimum hold: the first 128 take
            // its entries, the rest find it full. None is proven, so no call opens.
            var senders: [UDPSender] = []
            for _ in 0..<sources { senders.append(try await UDPSender.start()) }
            defer { for sender in senders { Task { await sender.close() } } }
            // Written without waiting between sockets, so all arrive inside the 100 ms hold; a starved machine may
            // still spread one round wider than that, so the round is sent again until the table is seen full. Every
            // round repeats sequence 1, which never proves a source.
            let payload = ArraySlice(repeatElement(UInt8(0xFF), count: 160))
            let daemon = try SocketAddress(ipAddress: "127.0.0.1", port: ports.rtp[0])
            let full = #"amd_rtp_packets_dropped_total{reason="probation_full"}"#
            var rounds = 0
            try await eventually(timeout: .seconds(30), "the overflowing sources to be counted") {
                rounds += 1
                let writes = senders.enumerated().map { index, sender in
                    let packet = rtpDatagram(sequence: 1, timestamp: 0, ssrc: UInt32(index + 1), payload: payload)
                    return sender.channel.writeAndFlush(
                        AddressedEnvelope(remoteAddress: daemon, data: ByteBuffer(bytes: packet)))
                }
                for write in writes { try await write.get() }
                return metricValue(try await fetchMetrics(port: ports.http), full) >= 1
            }
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, full) <= Double(rounds * (sources - capacity)))
            #expect(metricValue(metrics, "amd_calls_started_total") == 0)
            #expect(control.hub.activeCount == 0)
        }
    }

    @Test func aFailingCaptureDeviceIsCountedAndEndsItsCall() async throws {
        let device = try ALSATestDevice(samples: Array(repeating: 0, count: 16_000), failing: true)
        defer { device.remove() }
        let callID = ALSAIngress.callID(device: device.name)
        try await withDaemon({ $0.alsa = [device.name] }) { _, ports in
            let ended = try await ALSAIngressTests.firstEvent("call_ended", callID: callID, port: ports.http)
            #expect(ended["reason"] as? String == "device_error")
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_alsa_errors_total{device="\#(device.name)"}"#) == 1)
        }
    }

    @Test func aWebSocketClientThatStopsReadingLosesCountedEvents() async throws {
        try await withDaemon { control, ports in
            // A client that upgrades and then never reads, with a small receive buffer: the server's writes stall,
            // and the subscription's buffer of 1,000 events overflows.
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 4096)
                .connect(host: "127.0.0.1", port: ports.http).get()
            defer { client.close(promise: nil) }
            let upgrade =
                "GET /v1/events/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            try await client.writeAndFlush(ByteBuffer(string: upgrade)).get()
            try await eventually("the event stream to subscribe") { control.bus.subscriberCount == 1 }
            let call = Call(id: "flood", descriptor: rtpDescriptor(), now: Date())
            let dropped = #"amd_events_dropped_total{channel="websocket"}"#
            try await eventually(timeout: .seconds(60), "events to be dropped for the stalled client") {
                for _ in 0..<10_000 { control.bus.publish(callID: "flood", details: .callStarted(call)) }
                return metricValue(try await fetchMetrics(port: ports.http), dropped) > 0
            }
        }
    }

    @Test func theNotificationBacklogIsExported() async throws {
        // A second per delivery: the backlog reads 3, 2, then 1 for a second each, wide enough for a loaded machine.
        let slow = WebhookReceiver(delay: .seconds(1))
        try await slow.serve { port in
            try await withDaemon({ $0.webhooks = ["http://127.0.0.1:\(port)/hook"] }) { control, ports in
                try await eventually("the webhook notifier to subscribe") { control.bus.subscriberCount >= 1 }
                for ssrc in 0..<4 as Range<UInt32> { _ = control.hub.open(rtpDescriptor(ssrc: ssrc)) }
                let depth = #"amd_notify_queue_depth{channel="webhook"}"#
                // Each delivery records how many events were still behind it: 3 after the first of four.
                try await eventually(timeout: .seconds(30), "a backlog behind the slow receiver") {
                    metricValue(try await fetchMetrics(port: ports.http), depth) >= 1
                }
                try await eventually(timeout: .seconds(30), "the backlog to drain") {
                    guard slow.types.count >= 4 else { return false }
                    return metricValue(try await fetchMetrics(port: ports.http), depth) == 0
                }
            }
        }
    }

    @Test func answersAndGreetingEndsAreCountedByWhatTheyWere() async throws {
        let hello = try muLawSamples(ofWAV: AnswerEventsTests.calls[0].path)
        let machine = AnswerEventsTests.calls[3]
        let (decision, _) = try AnswerEventsTests.direct(machine)
        // The machine's call stops half a second after its decision, long before its no-beep timeout: its greeting
        // ends as `other` when the stream goes idle.
        let cut = Int(decision.decidedMs + 500) * 8
        let machineSamples = Array(try muLawSamples(ofWAV: machine.path).prefix(cut))
        let silence = [UInt8](repeating: 0xFF, count: 160 * 10)
        // Idle ends each call; 15 s so a starved test run's pause between bursts cannot split one into two.
        try await withRTPDaemon({ $0.idleTimeout = .seconds(15) }) { _, ports in
            // Three calls side by side, each from its own port, then one wait for all three to go idle.
            var senders: [UDPSender] = []
            defer { for sender in senders { Task { await sender.close() } } }
            for (index, samples) in [hello, silence, machineSamples].enumerated() {
                let sender = try await UDPSender.start()
                senders.append(sender)
                try await sender.sendPaced(rtpPackets(muLaw: samples, ssrc: UInt32(index + 1)), to: ports.rtp[0])
            }
            try await eventually(timeout: .seconds(90), "the three calls to end") {
                let calls = try await fetchCalls(port: ports.http)
                return calls.count >= 3 && calls.allSatisfy { $0["state"] as? String == "ended" }
            }
            let calls = try await fetchCalls(port: ports.http)
            try #require(calls.count == 3, "one call each, none split: \(calls)")
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_answers_total{answered_by="human"}"#) == 1)
            // Nobody spoke in 200 ms of silence: undecided when the stream ended.
            #expect(metricValue(metrics, #"amd_answers_total{answered_by="unknown"}"#) == 1)
            #expect(metricValue(metrics, #"amd_answers_total{answered_by="machine"}"#) == 1)
            #expect(metricValue(metrics, #"amd_machine_ends_total{outcome="other"}"#) == 1)
        }
    }

    /// Every series a daemon exports is named in the tests of this target (its family, and each label value as a
    /// quoted string, as the tests that cause its event spell them), so a new metric cannot ship without a test.
    @Test func everyExportedSeriesIsExercisedByATest() async throws {
        let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let sources = try FileManager.default.contentsOfDirectory(atPath: testsFolder.path)
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: testsFolder.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
        var exported = ""
        try await withDaemon({ $0.notifyUDP = [HostPort(host: "127.0.0.1", port: 9)] }) { _, ports in
            exported = try await fetchMetrics(port: ports.http)
        }
        let series = exported.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(series.count > 20)
        // The header parser admits only the rates every loadable model runs at, so the detector cannot fail to start
        // for a websocket call today; the reason is exported so that a dashboard sees it if that ever changes.
        let unreachable: Set = [#"amd_ws_connections_rejected_total{reason="detector_unavailable"}"#]
        let untested = series.filter { series in
            guard !unreachable.contains(series) else { return false }
            let family = String(series.prefix { $0 != "{" })
            // `name{a="x",b="y"}`: the values are every other piece between quotes.
            let values = series.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { "\"\($0.element)\"" }
            return !sources.contains(family) || values.contains { !sources.contains($0) }
        }
        #expect(untested.isEmpty, "series no test causes: \(untested)")
    }
}
