import AMDCore
import AMDServer
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The answer decision end to end: the calls `tools/fixtures/gen_answer_calls.sh` made (`Samples/answer/`) sent as
/// real RTP over UDP and over a real Vonage websocket into a real daemon, read back through the API, the long-poll
/// event list and a UDP notification target.
struct AnswerEventsTests {
    /// One fixture call and what the daemon must decide on it.
    struct Expectation: Sendable, CustomTestStringConvertible {
        /// The file's name in `Samples/answer/`, without `.wav`.
        var name: String
        /// Who answered.
        var answeredBy: AnsweredBy
        /// Why.
        var cause: AnswerCause
        /// How the machine's greeting ends; nil on calls that are not machines.
        var machineEnd: MachineEnd.Outcome?

        var testDescription: String { name }

        /// The fixture's path in the repository.
        var path: String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Samples/answer/\(name).wav").path
        }
    }

    static let calls: [Expectation] = [
        Expectation(name: "human-hello", answeredBy: .human, cause: .shortGreetingThenSilence),
        Expectation(name: "human-talks-on", answeredBy: .human, cause: .shortGreetingThenSilence),
        Expectation(name: "carrier-one-line", answeredBy: .machine, cause: .longGreeting, machineEnd: .beep),
        Expectation(name: "machine-silence", answeredBy: .machine, cause: .longGreeting, machineEnd: .silence),
        Expectation(name: "fax", answeredBy: .fax, cause: .faxTone),
    ]

    /// What the detector run directly on the fixture decides: the daemon must report the same.
    static func direct(_ call: Expectation) throws -> (AnswerDecision, MachineEnd?) {
        let samples = try muLawSamples(ofWAV: call.path)
        var detector = try StreamDetector(encoding: .muLaw, sampleRate: 8000)
        var decision: AnswerDecision?
        var end: MachineEnd?
        let onOutput: (BeepDetector.Output) -> Void = {
            if let answer = $0.answer { decision = answer }
            if let machineEnd = $0.machineEnd { end = machineEnd }
        }
        samples.withUnsafeBytes { detector.process($0, onOutput: onOutput) }
        detector.finish(onOutput: onOutput)
        return (try #require(decision), end)
    }

    /// Checks a call as the API shows it against the expectation and the direct run.
    static func check(_ json: [String: Any], _ call: Expectation) throws {
        let (decision, end) = try direct(call)
        #expect(decision.answeredBy == call.answeredBy, "the fixture itself")
        #expect(decision.cause == call.cause, "the fixture itself")
        #expect(end?.outcome == call.machineEnd, "the fixture itself")
        let answer = try #require(json["answer"] as? [String: Any], "\(call.name): \(json)")
        #expect(answer["answered_by"] as? String == call.answeredBy.rawValue)
        #expect(answer["cause"] as? String == call.cause.rawValue)
        let decidedMs = try #require(answer["decided_ms"] as? Int)
        #expect(
            abs(decidedMs - Int(decision.decidedMs)) <= 40, "daemon \(decidedMs) ms, direct \(decision.decidedMs) ms")
        let confidence = try #require(answer["confidence"] as? Double)
        #expect(confidence > 0 && confidence <= 1)
        if let outcome = call.machineEnd {
            let machineEnd = try #require(json["machine_end"] as? [String: Any], "\(call.name): \(json)")
            #expect(machineEnd["outcome"] as? String == outcome.rawValue)
        } else {
            #expect(json["machine_end"] is NSNull, "\(call.name): \(json)")
        }
    }

    @Test(.scaledTimeLimit(minutes: 2), arguments: calls)
    func rtpCallsAreDecidedAndPublished(_ call: Expectation) async throws {
        let (receiver, channel) = try await UDPReceiver.start()
        defer { channel.close(promise: nil) }
        let target = HostPort(host: "127.0.0.1", port: channel.localAddress?.port ?? 0)
        // The idle timeout ends the call once ffmpeg is done; 10 s keeps a loaded machine's stalls from splitting it.
        try await withRTPDaemon({
            $0.idleTimeout = .seconds(10)
            $0.notifyUDP = [target]
        }) { control, ports in
            try await eventually("the UDP notifier to subscribe") { control.bus.subscriberCount > 0 }
            try await ffmpegSendRTP(call.path, codec: "pcm_mulaw", to: ports.rtp[0])
            var found: [String: Any] = [:]
            try await eventually(timeout: .seconds(60), "the call to end") {
                guard
                    let ended = try await fetchCalls(port: ports.http).first(where: {
                        $0["state"] as? String == "ended"
                    })
                else { return false }
                found = ended
                return true
            }
            try Self.check(found, call)
            // The long-poll list carries the answer (and the machine's end) as events of their own.
            let page = try await request(.GET, port: ports.http, "/v1/events?after=0&wait=0").json
            let events = try #require(page["events"] as? [[String: Any]])
            let answers = events.filter { $0["type"] as? String == "answer" }
            try #require(answers.count == 1, "events: \(events)")
            #expect(answers[0]["answered_by"] as? String == call.answeredBy.rawValue)
            #expect(answers[0]["call_id"] as? String == found["id"] as? String)
            let ends = events.filter { $0["type"] as? String == "machine_end" }
            let expectedEnds: [String] = call.machineEnd.map { [$0.rawValue] } ?? []
            #expect(ends.compactMap { $0["outcome"] as? String } == expectedEnds)
            // So does every UDP datagram target.
            try await eventually("the answer datagram") {
                receiver.received.withLock { $0.contains { $0.contains(#""type":"answer""#) } }
            }
            let metrics = try await request(.GET, port: ports.http, "/metrics").body
            #expect(metrics.contains(#"amd_answers_total{answered_by="\#(call.answeredBy.rawValue)"} 1"#))
        }
    }

    @Test(.scaledTimeLimit(minutes: 2), arguments: calls)
    func websocketCallsAreDecided(_ call: Expectation) async throws {
        let linear = try muLawSamples(ofWAV: call.path).map(G711.muLawToLinear)
        let bytes = GeneratedCall.littleEndianBytes(linear)
        try await withDaemon { _, ports in
            _ = try await VonageIngressTests.play(
                bytes, sampleRate: 8000, port: ports.http, uuid: call.name, realTime: false)
            try await eventually("call \(call.name) to end") {
                try await VonageIngressTests.call(call.name, port: ports.http)?["state"] as? String == "ended"
            }
            let json = try #require(try await VonageIngressTests.call(call.name, port: ports.http))
            try Self.check(json, call)
        }
    }

    @Test func aRegistrationsNoBeepTimeoutAppliesToItsCall() async throws {
        let machine = try #require(Self.calls.first { $0.name == "machine-silence" })
        let (_, fiveSeconds) = try Self.direct(machine)
        let defaultEnd = try #require(fiveSeconds)
        let ssrc: UInt32 = 0xA115_0001
        try await withRTPDaemon({ $0.idleTimeout = .seconds(10) }) { _, ports in
            let registered = try await request(
                .POST, port: ports.http, "/v1/calls",
                body: #"{"id":"short-wait","match":{"ssrc":\#(ssrc)},"no_beep_timeout":1.5}"#)
            #expect(registered.status == 201, "\(registered.body)")
            let sender = try await UDPSender.start()
            defer { Task { await sender.close() } }
            let packets = rtpPackets(muLaw: try muLawSamples(ofWAV: machine.path), ssrc: ssrc)
            try await sender.sendPaced(packets, to: ports.rtp[0])
            try await eventually(timeout: .seconds(60), "the call to end") {
                try await VonageIngressTests.call("short-wait", port: ports.http)?["state"] as? String == "ended"
            }
            let json = try #require(try await VonageIngressTests.call("short-wait", port: ports.http))
            let end = try #require(json["machine_end"] as? [String: Any], "\(json)")
            #expect(end["outcome"] as? String == "silence")
            // The greeting's silence ran 1.5 s instead of 5 s.
            let ms = try #require(end["ms"] as? Int)
            #expect(abs(ms - (Int(defaultEnd.ms) - 3500)) <= 40, "ended at \(ms) ms; 5 s ended at \(defaultEnd.ms) ms")
        }
    }

    @Test func registrationValidatesTheNoBeepTimeoutNamingTheField() async throws {
        try await withDaemon { _, ports in
            for value in ["0.1", "61", "-1", "null", #""5""#] {
                let body = #"{"id":"a","match":{"ssrc":1},"no_beep_timeout":\#(value)}"#
                let response = try await request(.POST, port: ports.http, "/v1/calls", body: body)
                #expect(response.status == 400, "\(body)")
                #expect((response.json["error"] as? String)?.contains("no_beep_timeout") == true, "\(response.body)")
            }
            let good = try await request(
                .POST, port: ports.http, "/v1/calls", body: #"{"id":"b","match":{"ssrc":2},"no_beep_timeout":2.5}"#)
            #expect(good.status == 201, "\(good.body)")
        }
    }
}
