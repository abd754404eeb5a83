import AMDCore
import AMDServer
import Foundation
import RTP
import Testing

struct CallHubTests {
    func makeHub(_ limits: CallHub.Limits = .init()) -> (CallHub, EventBus) {
        let metrics = ServerMetrics()
        let bus = EventBus(metrics: metrics)
        return (CallHub(limits: limits, bus: bus, metrics: metrics), bus)
    }

    @Test func openUpdateBeepCloseFillTheCallRecord() throws {
        let (hub, bus) = makeHub()
        let id = try #require(hub.open(rtpDescriptor()))
        hub.update(id, counters: CallCounters(audioMs: 500, packets: 25, packetsLost: 1))
        hub.dtmf(id, digit: "1")
        hub.dtmf(id, digit: "2")
        hub.beep(id, event: sampleBeep, counters: CallCounters(audioMs: 1400, packets: 70, packetsLost: 1))
        var call = try #require(hub.call(id))
        #expect(call.state == .active)
        #expect(call.source == "127.0.0.1:40000" && call.ssrc == 0x1234 && call.codec == "PCMU")
        #expect(call.audioMs == 1400 && call.packets == 70 && call.packetsLost == 1)
        #expect(call.dtmf == "12")
        #expect(call.beep?.onsetMs == 1200 && call.beep?.frequencyHz == 1004)
        hub.close(id, counters: CallCounters(audioMs: 3000, packets: 150, packetsLost: 1), reason: .idle)
        call = try #require(hub.call(id))
        #expect(call.state == .ended && call.endReason == "idle" && call.audioMs == 3000)
        let types = bus.events(after: 0).events.map(\.type)
        #expect(types == [.callStarted, .beep, .callEnded])
    }

    @Test func theAnswerAndTheMachineEndAreRecordedAndPublishedOnce() throws {
        let (hub, bus) = makeHub()
        let id = try #require(hub.open(rtpDescriptor()))
        let decision = AnswerDecision(
            answeredBy: .machine, decidedMs: 2900, confidence: 0.9, cause: .longGreeting, speechOnsetMs: 100)
        hub.answer(id, decision: decision, counters: CallCounters(audioMs: 2900))
        // Made once per call: a second report changes nothing.
        hub.answer(
            id,
            decision: AnswerDecision(
                answeredBy: .human, decidedMs: 4000, confidence: 0.8,
                cause: .shortGreetingThenSilence), counters: CallCounters(audioMs: 4000))
        hub.machineEnd(id, end: MachineEnd(outcome: .silence, ms: 13_000), counters: CallCounters(audioMs: 13_000))
        hub.machineEnd(id, end: MachineEnd(outcome: .other, ms: 14_000), counters: CallCounters(audioMs: 14_000))
        let call = try #require(hub.call(id))
        #expect(call.answer?.answeredBy == "machine" && call.answer?.decidedMs == 2900)
        #expect(call.answer?.cause == "long_greeting" && call.answer?.confidence == 0.9)
        #expect(call.machineEnd?.outcome == "silence" && call.machineEnd?.ms == 13_000)
        #expect(call.audioMs == 13_000)
        let events = bus.events(after: 0).events
        #expect(events.map(\.type) == [.callStarted, .answer, .machineEnd])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(events[1].json.utf8)) as? [String: Any])
        #expect(answer["answered_by"] as? String == "machine")
        #expect(answer["decided_ms"] as? Int == 2900)
        #expect(answer["cause"] as? String == "long_greeting")
        #expect(answer["call_id"] as? String == id)
        let end = try #require(try JSONSerialization.jsonObject(with: Data(events[2].json.utf8)) as? [String: Any])
        #expect(end["outcome"] as? String == "silence")
        #expect(end["ms"] as? Int == 13_000)
        // The Call JSON carries both, and both are null before they are known.
        let encoded = try JSONEncoder().encode(call)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect((object["answer"] as? [String: Any])?["answered_by"] as? String == "machine")
        #expect((object["machine_end"] as? [String: Any])?["outcome"] as? String == "silence")
        let freshID = try #require(hub.open(rtpDescriptor(ssrc: 9)))
        let fresh = try #require(hub.call(freshID))
        let freshObject = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(fresh)) as? [String: Any]
        #expect(freshObject?["answer"] is NSNull && freshObject?["machine_end"] is NSNull)
        let decoded = try JSONDecoder().decode(Call.self, from: encoded)
        #expect(decoded.answer == call.answer && decoded.machineEnd == call.machineEnd)
    }

    @Test func idsAreURLSafeAndUniquePerStream() throws {
        let (hub, _) = makeHub()
        var ids = Set<String>()
        for ssrc in 0..<50 as Range<UInt32> {
            let id = try #require(hub.open(rtpDescriptor(ssrc: ssrc)))
            #expect(CallRegistration.isValidID(id))
            ids.insert(id)
        }
        #expect(ids.count == 50)
    }

    @Test func callJSONHasTheIssueShape() throws {
        let (hub, _) = makeHub()
        let id = try #require(hub.open(rtpDescriptor()))
        let encoded = try JSONEncoder().encode(try #require(hub.call(id)))
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        for key in [
            "id", "ingress", "source", "ssrc", "codec", "state", "started_at", "updated_at", "audio_ms",
            "packets", "packets_lost", "beep", "dtmf",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["beep"] is NSNull)
        let started = try #require(object["started_at"] as? String)
        // RFC 3339 with milliseconds, UTC.
        #expect(started.count == 24 && started.hasSuffix("Z") && started.contains("."))
        // Decoding and re-encoding gives the same JSON (times round to milliseconds on the wire).
        let decoded = try JSONDecoder().decode(Call.self, from: encoded)
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        #expect(try sorted.encode(decoded) == sorted.encode(try #require(hub.call(id))))
    }

    @Test func openReturnsNilBeyondMaxCalls() throws {
        let (hub, _) = makeHub(.init(maxCalls: 2))
        let first = try #require(hub.open(rtpDescriptor(ssrc: 1)))
        #expect(hub.open(rtpDescriptor(ssrc: 2)) != nil)
        #expect(hub.open(rtpDescriptor(ssrc: 3)) == nil)
        hub.close(first, counters: CallCounters(), reason: .idle)
        #expect(hub.open(rtpDescriptor(ssrc: 4)) != nil)
    }

    @Test func endedCallsAreForgottenAfterRetentionOrBeyondTheCount() throws {
        let (hub, _) = makeHub(.init(retention: .zero))
        let id = try #require(hub.open(rtpDescriptor()))
        hub.close(id, counters: CallCounters(), reason: .idle)
        hub.sweep()
        #expect(hub.call(id) == nil)

        let (bounded, _) = makeHub(.init(maxEndedCalls: 3))
        var ids: [String] = []
        for ssrc in 0..<5 as Range<UInt32> {
            let id = try #require(bounded.open(rtpDescriptor(ssrc: ssrc)))
            bounded.close(id, counters: CallCounters(), reason: .idle)
            ids.append(id)
        }
        #expect(bounded.calls().map(\.id) == Array(ids.suffix(3)))
    }

    @Test func registrationBeforeMediaNamesTheStream() throws {
        let (hub, bus) = makeHub()
        let result = try hub.register(
            CallRegistration(id: "ctl-42", match: .init(ssrc: 77), metadata: ["campaign": "x"]))
        #expect(result.call == nil)
        let hubID = try #require(hub.open(rtpDescriptor(ssrc: 77)))
        let call = try #require(hub.call("ctl-42"))
        #expect(call.metadata["campaign"] == "x")
        hub.beep(hubID, event: sampleBeep, counters: CallCounters())
        #expect(bus.events(after: 0).events.map(\.callID) == ["ctl-42", "ctl-42"])
        // A second matching stream while ctl-42 is in use gets a derived id.
        _ = try #require(hub.open(rtpDescriptor(source: "127.0.0.1:40002", ssrc: 77)))
        #expect(hub.call("ctl-42.2") != nil)
    }

    @Test func registrationAfterMediaRenamesTheStream() throws {
        let (hub, bus) = makeHub()
        let hubID = try #require(hub.open(rtpDescriptor(source: "10.1.1.1:5000", ssrc: 9)))
        let result = try hub.register(
            CallRegistration(id: "abc", match: .init(source: "10.1.1.1:5000", ssrc: 9)))
        #expect(result.call?.id == "abc")
        #expect(hub.call(hubID) == nil)
        hub.beep(hubID, event: sampleBeep, counters: CallCounters())
        #expect(bus.events(after: 0).events.last?.callID == "abc")
    }

    @Test func registrationConflictsAndMalformedInput() throws {
        let (hub, _) = makeHub()
        _ = try hub.register(CallRegistration(id: "one", match: .init(ssrc: 1)))
        #expect(throws: CallHubError.self) { try hub.register(CallRegistration(id: "one", match: .init(ssrc: 2))) }
        #expect(throws: CallHubError.self) { try hub.register(CallRegistration(id: "two", match: .init(ssrc: 1))) }
        #expect(throws: CallHubError.invalid("field match: needs source, ssrc or both")) {
            try hub.register(CallRegistration(id: "three", match: .init()))
        }
        #expect(throws: CallHubError.self) { try hub.register(CallRegistration(id: "bad id", match: .init(ssrc: 3))) }
        #expect(
            throws: CallHubError.invalid(
                #"field match.source: expected "<ip>:<port>" (an IP address, a port 1 to 65535)"#)
        ) {
            try hub.register(CallRegistration(id: "four", match: .init(source: "10.0.0.1:70000")))
        }
    }

    @Test func registrationsAreIndexedForTheRTPIngressAndLetTheirStreamPassTheLimit() throws {
        let (hub, _) = makeHub(.init(maxCalls: 1))
        let address = IPAddress.v4(0x0A00_0005)
        #expect(!hub.isRegistered(address: address, port: 4000, ssrc: 8))
        _ = try hub.register(CallRegistration(id: "by-source", match: .init(source: "10.0.0.5:4000")))
        _ = try hub.register(CallRegistration(id: "by-ssrc", match: .init(ssrc: 8)))
        #expect(hub.isRegistered(address: address, port: 4000, ssrc: 1))
        #expect(hub.isRegistered(address: .v4(1), port: 1, ssrc: 8))
        #expect(!hub.isRegistered(address: address, port: 4001, ssrc: 9))
        _ = try #require(hub.open(rtpDescriptor(source: "192.0.2.9:1", ssrc: 100)))
        #expect(hub.open(rtpDescriptor(source: "192.0.2.9:1", ssrc: 101)) == nil)
        #expect(hub.open(rtpDescriptor(source: "10.0.0.5:4000", ssrc: 102)) != nil)
        try hub.delete("by-ssrc")
        #expect(!hub.isRegistered(address: .v4(1), port: 1, ssrc: 8))
    }

    @Test func deleteRemovesRegistrationAndHidesTheCall() throws {
        let (hub, bus) = makeHub()
        _ = try hub.register(CallRegistration(id: "gone", match: .init(ssrc: 5)))
        let hubID = try #require(hub.open(rtpDescriptor(ssrc: 5)))
        try hub.delete("gone")
        #expect(hub.call("gone") == nil)
        #expect(hub.registration("gone") == nil)
        let before = bus.lastSeq
        hub.beep(hubID, event: sampleBeep, counters: CallCounters())
        hub.close(hubID, counters: CallCounters(), reason: .idle)
        #expect(bus.lastSeq == before)
        #expect(hub.activeCount == 0)
        #expect(throws: CallHubError.notFound(id: "gone")) { try hub.delete("gone") }
    }
}
