import AMDCore
import AMDServer
import Foundation
import NIOHTTP1
import Testing

/// The RTP path end to end: real datagrams on loopback into a real daemon, read back through the HTTP API.
struct RTPIngressHandlerTests {
    /// The one call `GET /v1/calls` shows once its beep is in (fails after `timeout`).
    func callWithBeep(port: Int, timeout: Duration = .seconds(20)) async throws -> [String: Any] {
        var found: [String: Any] = [:]
        try await eventually(timeout: timeout, "a call with a beep") {
            guard let call = try await fetchCalls(port: port).first(where: { $0["beep"] is [String: Any] }) else {
                return false
            }
            found = call
            return true
        }
        return found
    }

    @Test(arguments: [("pcm_mulaw", "PCMU"), ("pcm_alaw", "PCMA")])
    func ffmpegStreamYieldsTheFilesBeep(encoder: String, codec: String) async throws {
        let expected = try #require(try beepsDetectedDirectly(muLaw: muLawSamples(ofWAV: sampleCallPath)).first)
        try await withRTPDaemon { _, ports in
            try await ffmpegSendRTP(sampleCallPath, codec: encoder, to: ports.rtp[0])
            let call = try await callWithBeep(port: ports.http)
            #expect(call["ingress"] as? String == "rtp")
            #expect(call["codec"] as? String == codec)
            #expect((call["source"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect(call["ssrc"] is Int)
            let beep = try #require(call["beep"] as? [String: Any])
            let onset = try #require(beep["onset_ms"] as? Int)
            #expect(
                abs(Int64(onset) - expected.onsetMs) <= 50, "RTP onset \(onset) ms, file onset \(expected.onsetMs) ms")
            #expect(abs((beep["frequency_hz"] as? Double ?? 0) - expected.frequencyHz) < 30)
            #expect(call["packets_lost"] as? Int == 0)
        }
    }

    @Test func reorderedDuplicatedLostAndJitteredPacketsStillYieldTheBeep() async throws {
        let samples = try muLawSamples(ofWAV: sampleCallPath)
        let expected = try #require(try beepsDetectedDirectly(muLaw: samples).first)
        let packets = rtpPackets(muLaw: samples, ssrc: 0xC0FF_EE01)
        let beepPacket = Int(expected.onsetMs) / 20
        // Lose a few packets of the greeting (not the beep), swap neighbours, repeat some, send in uneven bursts.
        var random = SplitMix64(state: 42)
        var order: [[UInt8]] = []
        var lost = 0
        var index = 0
        while index < packets.count {
            let nearBeep = (beepPacket - 2)...(beepPacket + 25)
            if index > 10, !nearBeep.contains(index), random.next() % 40 == 0 {
                lost += 1
                index += 1
                continue
            }
            if index + 1 < packets.count, index > 3, random.next() % 6 == 0 {
                order += [packets[index + 1], packets[index]]
                index += 2
            } else {
                order.append(packets[index])
                index += 1
            }
            if random.next() % 15 == 0, let last = order.last { order.append(last) }
        }
        #expect(lost >= 3 && order.count > packets.count - lost)
        // The idle timeout ends the call after the last burst; 10 s keeps a loaded machine's pauses between
        // bursts from ending it early (the whole suite on 2 busy cores stalls the sender for seconds).
        try await withRTPDaemon({ $0.idleTimeout = .seconds(10) }) { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            var sent = 0
            while sent < order.count {
                let burst = Int(random.next() % 8) + 1
                try await sender.send(Array(order[sent..<min(order.count, sent + burst)]), to: ports.rtp[0])
                sent += burst
                // Jitter: bursts apart by 0–4 ms of wall time (stream time follows the RTP timestamps anyway).
                try await Task.sleep(for: .milliseconds(Int(random.next() % 5)))
            }
            let call = try await callWithBeep(port: ports.http)
            let beep = try #require(call["beep"] as? [String: Any])
            let onset = try #require(beep["onset_ms"] as? Int)
            #expect(abs(Int64(onset) - expected.onsetMs) <= 50, "onset \(onset) ms, file \(expected.onsetMs) ms")
            #expect(call["codec"] as? String == "PCMU")
            #expect(call["ssrc"] as? Int == 0xC0FF_EE01)
            // The jitter buffer is played out when the stream goes idle; the final counters come with call_ended.
            try await eventually(timeout: .seconds(30), "the call to end") {
                try await fetchCalls(port: ports.http).first?["state"] as? String == "ended"
            }
            let ended = try #require(try await fetchCalls(port: ports.http).first)
            #expect(ended["packets_lost"] as? Int == lost)
            #expect(ended["packets"] as? Int == order.count)
            #expect(ended["audio_ms"] as? Int == packets.count * 20)
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="duplicate"}"#) > 0)
        }
    }

    @Test func aStreamThatSwitchesToPCMAKeepsItsDetectorAndFindsTheBeep() async throws {
        let samples = try muLawSamples(ofWAV: sampleCallPath)
        let expected = try #require(try beepsDetectedDirectly(muLaw: samples).first)
        var packets = rtpPackets(muLaw: samples, ssrc: 0x5A17_C400)
        // From 2 s on, the same audio in A-law with payload type 8 (as after a re-INVITE that keeps the SSRC).
        for index in 100..<packets.count {
            packets[index][1] = 8
            for byte in 12..<packets[index].count {
                packets[index][byte] = G711.linearToALaw(G711.muLawToLinear(packets[index][byte]))
            }
        }
        try await withRTPDaemon { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            try await sender.send(packets, to: ports.rtp[0])
            let call = try await callWithBeep(port: ports.http)
            #expect(call["codec"] as? String == "PCMU")
            let onset = try #require((call["beep"] as? [String: Any])?["onset_ms"] as? Int)
            #expect(abs(Int64(onset) - expected.onsetMs) <= 50, "onset \(onset) ms, file \(expected.onsetMs) ms")
        }
    }

    @Test func telephoneEventsBecomeTheCallsDTMFDigits() async throws {
        let silence = [UInt8](repeating: 0xFF, count: 160)[...]
        var packets: [[UInt8]] = []
        var sequence: UInt16 = 1
        func add(_ payloadType: UInt8, _ timestamp: UInt32, _ payload: ArraySlice<UInt8>) {
            packets.append(
                rtpDatagram(
                    sequence: sequence, timestamp: timestamp, ssrc: 0xD7AF, payloadType: payloadType,
                    payload: payload))
            sequence += 1
        }
        for index in 0..<5 { add(0, UInt32(index) * 160, silence) }
        // Key 4, then '#', each as three RFC 4733 packets (start, update, end) sharing the event's timestamp.
        for (key, timestamp) in [(UInt8(4), UInt32(800)), (UInt8(11), UInt32(1600))] {
            for (end, duration) in [(false, UInt16(160)), (false, UInt16(320)), (true, UInt16(480))] {
                add(101, timestamp, [key, end ? 0x8A : 0x0A, UInt8(duration >> 8), UInt8(duration & 0xFF)][...])
            }
        }
        for index in 15..<20 { add(0, UInt32(index) * 160, silence) }
        try await withRTPDaemon { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            try await sender.send(packets, to: ports.rtp[0])
            try await eventually("the digits") {
                try await fetchCalls(port: ports.http).first?["dtmf"] as? String == "4#"
            }
        }
    }

    @Test func ipv6StreamsAreKeyedAndShownWithBrackets() async throws {
        let payload = [UInt8](repeating: 0xFF, count: 160)[...]
        try await withRTPDaemon({
            $0.rtp = [ListenRange(host: "::1", ports: 0...0)]
            $0.rtpAllow = [CIDR(parsing: "::1/128")!]
        }) { _, ports in
            let sender = try await UDPSender.start(host: "::1")
            defer { Task { await sender.close() } }
            // Two SSRCs from the same address and port are two streams.
            let packets = [UInt32(0x6A), 0x6B].flatMap { ssrc in
                (0..<3).map {
                    rtpDatagram(sequence: UInt16($0), timestamp: UInt32($0) * 160, ssrc: ssrc, payload: payload)
                }
            }
            try await sender.send(packets, to: ports.rtp[0])
            try await eventually("two calls") { try await fetchCalls(port: ports.http).count == 2 }
            let calls = try await fetchCalls(port: ports.http)
            #expect(Set(calls.compactMap { $0["ssrc"] as? Int }) == [0x6A, 0x6B])
            #expect(calls.allSatisfy { $0["source"] as? String == "[::1]:\(sender.port)" })
        }
    }

    @Test func malformedDatagramsAreCountedByReason() async throws {
        let payload = [UInt8](repeating: 0xFF, count: 160)[...]
        var cases: [(String, [UInt8])] = []
        cases.append(("too_short", [0x80, 0x00, 0x01]))
        cases.append(
            (
                "bad_version",
                [0x40] + Array(rtpDatagram(sequence: 1, timestamp: 0, ssrc: 1, payload: payload).dropFirst())
            ))
        cases.append(("rtcp", [0x80, 200] + [UInt8](repeating: 0, count: 26)))
        cases.append(
            (
                "csrc_overrun",
                [0x8F] + Array(rtpDatagram(sequence: 1, timestamp: 0, ssrc: 1, payload: [0, 0][...]).dropFirst())
            ))
        cases.append(
            (
                "extension_overrun",
                [0x90]
                    + Array(
                        rtpDatagram(sequence: 1, timestamp: 0, ssrc: 1, payload: [0xBE, 0xDE, 0xFF, 0xFF][...])
                            .dropFirst())
            ))
        cases.append(
            (
                "bad_padding",
                [0xA0] + Array(rtpDatagram(sequence: 1, timestamp: 0, ssrc: 1, payload: [1, 2, 200][...]).dropFirst())
            ))
        try await withRTPDaemon { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            for (index, (_, datagram)) in cases.enumerated() {
                try await sender.send([[UInt8]](repeating: datagram, count: index + 1), to: ports.rtp[0])
            }
            // Two valid packets after them all (a source is proven by two in sequence): when its call shows, every
            // datagram before them was handled.
            try await sender.send(
                (1...2).map {
                    rtpDatagram(sequence: UInt16($0), timestamp: UInt32($0) * 160, ssrc: 7, payload: payload)
                },
                to: ports.rtp[0])
            try await eventually("the valid stream's call") { try await fetchCalls(port: ports.http).count == 1 }
            let metrics = try await fetchMetrics(port: ports.http)
            for (index, (reason, _)) in cases.enumerated() {
                let count = metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="\#(reason)"}"#)
                #expect(count == Double(index + 1), "\(reason)")
            }
            #expect(
                metricValue(metrics, "amd_rtp_packets_received_total")
                    == Double(cases.count * (cases.count + 1) / 2 + 2))
        }
    }

    @Test func randomSSRCsFromTheCallsOwnSocketNeverOpenCallsAndTheCallKeepsWorking() async throws {
        let samples = try muLawSamples(ofWAV: sampleCallPath)
        let packets = rtpPackets(muLaw: samples, ssrc: 0x5EED_0001)
        // No idle end within the test: the whole suite on 2 busy cores can hold the flood for seconds, and the
        // genuine stream must stay one call.
        try await withRTPDaemon({
            $0.maxCalls = 4
            $0.idleTimeout = .seconds(60)
        }) { control, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            let half = packets.count / 3
            try await sender.send(Array(packets[..<half]), to: ports.rtp[0])
            try await eventually("the first call") { try await fetchCalls(port: ports.http).count == 1 }
            var random = SplitMix64(state: 7)
            let flood = (0..<2000).map { index in
                rtpDatagram(
                    sequence: UInt16(truncatingIfNeeded: index), timestamp: UInt32(index) * 160,
                    ssrc: UInt32(truncatingIfNeeded: random.next()), payload: samples[0..<160])
            }
            try await sender.send(flood, to: ports.rtp[0])
            try await sender.send(Array(packets[half...]), to: ports.rtp[0])
            let call = try await callWithBeep(port: ports.http)
            #expect(call["ssrc"] as? Int == 0x5EED_0001)
            // Each random SSRC replaced the last one in the socket's probation entry: none was ever proven.
            #expect(control.hub.activeCount == 1)
            #expect(try await fetchCalls(port: ports.http).count == 1)
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="probation"}"#) >= 1999)
            #expect(metricValue(metrics, "amd_calls_started_total") == 1)
        }
    }

    @Test func sourcesOutsideRTPAllowAreDropped() async throws {
        let payload = [UInt8](repeating: 0xFF, count: 160)[...]
        try await withRTPDaemon({ $0.rtpAllow = [CIDR(parsing: "10.0.0.0/8")!, CIDR(parsing: "::1/128")!] }) {
            _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            let packets = (0..<5).map {
                rtpDatagram(sequence: UInt16($0), timestamp: UInt32($0) * 160, ssrc: 0xA110, payload: payload)
            }
            try await sender.send(packets, to: ports.rtp[0])
            try await eventually("the drops to be counted") {
                let metrics = try await fetchMetrics(port: ports.http)
                return metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="not_allowed"}"#) == 5
            }
            #expect(try await fetchCalls(port: ports.http).isEmpty)
        }
        try await withRTPDaemon({ $0.rtpAllow = [CIDR(parsing: "127.0.0.0/8")!] }) { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            try await sender.send(
                (1...2).map {
                    rtpDatagram(sequence: UInt16($0), timestamp: UInt32($0) * 160, ssrc: 0xA110, payload: payload)
                },
                to: ports.rtp[0])
            try await eventually("the allowed call") { try await fetchCalls(port: ports.http).count == 1 }
        }
    }

    @Test func aFloodFromAnotherSocketNeitherTakesCallSlotsNorDelaysAGenuineCall() async throws {
        let samples = try muLawSamples(ofWAV: sampleCallPath)
        let expected = try #require(try beepsDetectedDirectly(muLaw: samples).first)
        let packets = rtpPackets(muLaw: samples, ssrc: 0x600D_CA11)
        // Bounded: 50 flood datagrams per 3 of the call (about 10,000 in all) on loopback, half random bytes, half
        // RTP with a random SSRC each, from a socket of their own.
        var random = SplitMix64(state: 99)
        func floodDatagram() -> [UInt8] {
            if random.next() % 2 == 0 {
                return (0..<(12 + Int(random.next() % 200))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            return rtpDatagram(
                sequence: UInt16(truncatingIfNeeded: random.next()),
                timestamp: UInt32(truncatingIfNeeded: random.next()),
                ssrc: UInt32(truncatingIfNeeded: random.next()), payloadType: random.next() % 2 == 0 ? 0 : 8,
                payload: samples[0..<160])
        }
        // The idle timeout is longer than any pause a loaded machine puts between two bursts (5 s was not, in a
        // parallel run on 2 cores: the call split in two).
        try await withRTPDaemon({
            $0.maxCalls = 4
            $0.idleTimeout = .seconds(15)
        }) { control, ports in
            let flooder = try await UDPSender.start()
            let caller = try await UDPSender.start()
            defer {
                Task {
                    await flooder.close(); await caller.close()
                }
            }
            var sent = 0
            for start in stride(from: 0, to: packets.count, by: 3) {
                try await flooder.send((0..<50).map { _ in floodDatagram() }, to: ports.rtp[0])
                try await caller.send(Array(packets[start..<min(start + 3, packets.count)]), to: ports.rtp[0])
                sent += 50 + min(3, packets.count - start)
                // Each burst is taken before the next is sent: the kernel's socket buffer, not the daemon, would
                // otherwise decide which datagrams are lost on a loaded machine.
                let total = sent
                try await eventually(timeout: .seconds(30), "the daemon to read the burst") {
                    metricValue(try await fetchMetrics(port: ports.http), "amd_rtp_packets_received_total")
                        >= Double(total)
                }
            }
            let call = try await callWithBeep(port: ports.http)
            #expect(call["ssrc"] as? Int == 0x600D_CA11)
            #expect(call["source"] as? String == "127.0.0.1:\(caller.port)")
            #expect(control.hub.activeCount == 1)
            // Admitted at its second packet, with its first replayed: at most 1 % of its packets missing, counted
            // once the call has ended (the counters of an active call lag by up to half a second).
            var ended: [String: Any] = [:]
            try await eventually(timeout: .seconds(60), "the call to end") {
                ended = try await fetchCalls(port: ports.http).first { $0["state"] as? String == "ended" } ?? [:]
                return !ended.isEmpty
            }
            let received = try #require(ended["packets"] as? Int)
            #expect(received * 100 >= packets.count * 99, "\(received) of \(packets.count) packets")
            let beep = try #require(call["beep"] as? [String: Any])
            let onset = try #require(beep["onset_ms"] as? Int)
            #expect(abs(Int64(onset) - expected.onsetMs) <= 40, "RTP onset \(onset) ms, offline \(expected.onsetMs) ms")
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, "amd_calls_started_total") == 1)
            #expect(metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="probation"}"#) > 0)
        }
    }

    @Test func aRegisteredSourceSkipsProbationAndPassesTheCallLimit() async throws {
        let payload = [UInt8](repeating: 0xFF, count: 160)[...]
        try await withRTPDaemon({ $0.maxCalls = 1 }) { control, ports in
            _ = try #require(control.hub.open(rtpDescriptor(source: "192.0.2.1:1", ssrc: 1)))
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            // Unregistered and proven, but the limit is reached: refused and counted.
            try await sender.send(
                (1...3).map {
                    rtpDatagram(sequence: UInt16($0), timestamp: UInt32($0) * 160, ssrc: 0xAA, payload: payload)
                },
                to: ports.rtp[0])
            try await eventually("the refusal to be counted") {
                let metrics = try await fetchMetrics(port: ports.http)
                return metricValue(metrics, "amd_calls_rejected_total") >= 1
                    && metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="call_limit"}"#) >= 1
            }
            let registered = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"wanted","match":{"ssrc":187}}"#)
            #expect(registered.status == 201)
            // One packet is enough for a registered source, even at the limit.
            try await sender.send(
                [rtpDatagram(sequence: 9, timestamp: 0, ssrc: 187, payload: payload)], to: ports.rtp[0])
            try await eventually("the registered call") {
                try await request(.GET, port: ports.http, "/v1/calls/wanted").status == 200
            }
            #expect(try await request(.GET, port: ports.http, "/v1/calls/wanted").json["ssrc"] as? Int == 187)
            #expect(control.hub.activeCount == 2)
        }
    }

    @Test func everyRTPCounterCountsTheEventItNames() async throws {
        func packet(_ sequence: Int, ssrc: UInt32 = 0xC0_0A7, payloadType: UInt8 = 0, bytes: Int = 160) -> [UInt8] {
            rtpDatagram(
                sequence: UInt16(truncatingIfNeeded: sequence), timestamp: UInt32(truncatingIfNeeded: sequence * 160),
                ssrc: ssrc, payloadType: payloadType, payload: [UInt8](repeating: 0xFF, count: bytes)[...])
        }
        try await withRTPDaemon({ $0.idleTimeout = .seconds(1) }) { _, ports in
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            // A call of 9 packets (105 missing, played over as lost) with a digit, then one packet of each fault.
            var datagrams = (100..<110).filter { $0 != 105 }.map { packet($0) }
            for (sequence, end, duration) in [(110, false, UInt16(160)), (111, true, UInt16(320))] {
                datagrams.append(
                    rtpDatagram(
                        sequence: UInt16(sequence), timestamp: 1600, ssrc: 0xC0_0A7, payloadType: 101,
                        payload: [5, end ? 0x8A : 0x0A, UInt8(duration >> 8), UInt8(duration & 0xFF)][...]))
            }
            datagrams += [
                packet(105),  // the lost one, after it was played over: late
                packet(20_000),  // far outside the stream's sequence window: out of range
                packet(112, bytes: 1600),  // larger than a jitter-buffer slot: oversize
                packet(1, ssrc: 0xBAD_0001, payloadType: 96),  // a payload type the daemon does not decode
                packet(1, ssrc: 0xBAD_0002, payloadType: 13),  // comfort noise before any audio
            ]
            try await sender.send(datagrams, to: ports.rtp[0])
            try await eventually(timeout: .seconds(20), "the call to end") {
                try await fetchCalls(port: ports.http).first?["state"] as? String == "ended"
            }
            let metrics = try await fetchMetrics(port: ports.http)
            for reason in ["late", "out_of_range", "oversize", "unsupported_payload", "before_audio"] {
                let count = metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="\#(reason)"}"#)
                #expect(count == 1, "\(reason): \(count)")
            }
            // Tests run in parallel, and a port this daemon took may have been another test's notification target a
            // moment ago: a stray JSON datagram then arrives, counted as received and dropped as not RTP.
            let notRTP = ["bad_version", "too_short"].map {
                metricValue(metrics, #"amd_rtp_packets_dropped_total{reason="\#($0)"}"#)
            }
            #expect(
                metricValue(metrics, "amd_rtp_packets_received_total") - notRTP.reduce(0, +) == Double(datagrams.count))
            #expect(metricValue(metrics, "amd_dtmf_digits_total") == 1)
            #expect(metricValue(metrics, "amd_calls_started_total") == 1)
            #expect(metricValue(metrics, "amd_calls_active") == 0)
            // 10 packets' worth of 20 ms played to the detector (one of them as silence), and the time it took.
            #expect(metricValue(metrics, "amd_audio_seconds_total") >= 0.2)
            #expect(metricValue(metrics, "amd_detector_seconds_total") > 0)
        }
    }
}
