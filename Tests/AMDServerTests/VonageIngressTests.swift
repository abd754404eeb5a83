import AMDCore
import AMDServer
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Synchronization
import Testing

/// A value shared between a client task and the test, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>
    init(_ value: Value) { state = Mutex(value) }
    var value: Value {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// The Vonage websocket ingress end to end: a real daemon on loopback, real websocket clients.
struct VonageIngressTests {
    /// One message a test client sends.
    enum Message: Sendable {
        case text(String)
        case binary([UInt8])
    }

    static var clientLogger: Logger {
        var logger = Logger(label: "vonage-client")
        logger.logLevel = .critical
        return logger
    }

    /// Connects to `/socket`, sends `messages`, runs `whileOpen`, then closes (or waits for the server's close
    /// when `awaitServerClose`); returns the close frame the server sent, if any.
    static func session(
        port: Int, path: String = "/socket", _ messages: [Message], awaitServerClose: Bool = false,
        whileOpen: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> WebSocketCloseFrame? {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", logger: clientLogger) {
            inbound, outbound, _ in
            for message in messages {
                switch message {
                case .text(let text): try await outbound.write(.text(text))
                case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                }
            }
            try await whileOpen()
            if awaitServerClose {
                for try await _ in inbound {}
            }
        }
    }

    /// Plays 16-bit PCM `bytes` at `sampleRate` as Vonage does: header, 20 ms binary frames (on a real-time
    /// schedule or as fast as possible), then `dtmf` digits as `websocket:dtmf` messages; runs `whileOpen` before
    /// closing.
    static func play(
        _ bytes: [UInt8], sampleRate: Int, port: Int, uuid: String, realTime: Bool, dtmf: [String] = [],
        whileOpen: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> WebSocketCloseFrame? {
        let frameBytes = sampleRate / 50 * 2
        return try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/socket", logger: clientLogger) {
            _, outbound, _ in
            try await outbound.write(.text(vonageHeader(rate: sampleRate, headers: ["uuid": uuid])))
            let clock = ContinuousClock()
            let start = clock.now
            var index = 0
            for offset in stride(from: 0, to: bytes.count, by: frameBytes) {
                if realTime { try await clock.sleep(until: start + .milliseconds(20 * index)) }
                try await outbound.write(
                    .binary(ByteBuffer(bytes: bytes[offset..<min(offset + frameBytes, bytes.count)])))
                index += 1
            }
            for digit in dtmf {
                try await outbound.write(.text(#"{"event":"websocket:dtmf","digit":"\#(digit)","duration":100}"#))
            }
            try await whileOpen()
        }
    }

    /// Plays a generated call (see ``play(_:sampleRate:port:uuid:realTime:dtmf:whileOpen:)``).
    static func play(
        _ call: GeneratedCall, port: Int, uuid: String, realTime: Bool, dtmf: [String] = [],
        whileOpen: @escaping @Sendable () async throws -> Void = {}
    ) async throws -> WebSocketCloseFrame? {
        try await play(
            call.bytes, sampleRate: call.sampleRate, port: port, uuid: uuid, realTime: realTime, dtmf: dtmf,
            whileOpen: whileOpen)
    }

    /// The call `id` as `GET /v1/calls/{id}` shows it (JSON object), or `nil` on 404.
    static func call(_ id: String, port: Int) async throws -> [String: Any]? {
        let response = try await request(.GET, port: port, "/v1/calls/\(id)")
        return response.status == 200 ? response.json : nil
    }

    /// Checks the ended call against the audio played and against the detector run directly on that audio: the
    /// daemon must report the beep `StreamDetector` reports for the same bytes, onset within 50 ms, or none if it
    /// finds none.
    static func checkEndedCall(
        _ id: String, bytes: [UInt8], sampleRate: Int, port: Int, dtmf: String = ""
    ) async throws -> BeepEvent? {
        try await eventually("call \(id) to end") {
            try await Self.call(id, port: port)?["state"] as? String == "ended"
        }
        let json = try #require(try await Self.call(id, port: port))
        let frameBytes = sampleRate / 50 * 2
        #expect(json["ingress"] as? String == "websocket")
        #expect(json["codec"] as? String == "L16/\(sampleRate)")
        #expect((json["source"] as? String)?.hasPrefix("127.0.0.1:") == true)
        #expect(json["packets"] as? Int == (bytes.count + frameBytes - 1) / frameBytes)
        #expect(json["audio_ms"] as? Int == bytes.count / 2 * 1000 / sampleRate)
        #expect(json["dtmf"] as? String == dtmf)
        #expect(json["end_reason"] as? String == "closed")
        let reference = try GeneratedCall.referenceEvents(bytes, sampleRate: sampleRate)
        guard let expected = reference.first else {
            #expect(json["beep"] is NSNull, "the daemon reports a beep the detector does not find")
            return nil
        }
        let beep = try #require(json["beep"] as? [String: Any], "the daemon reports the detector's beep")
        let onset = try #require(beep["onset_ms"] as? Int)
        #expect(abs(onset - Int(expected.onsetMs)) <= 50, "daemon onset \(onset) ms, direct \(expected.onsetMs) ms")
        return expected
    }

    /// ``checkEndedCall(_:bytes:sampleRate:port:dtmf:)`` for a generated call, whose beep must be found where it is.
    static func checkEndedCall(_ id: String, _ call: GeneratedCall, port: Int, dtmf: String = "") async throws {
        let found = try await checkEndedCall(id, bytes: call.bytes, sampleRate: call.sampleRate, port: port, dtmf: dtmf)
        let beep = try #require(found, "the detector finds the generated beep at \(call.beepOnsetMs) ms")
        #expect(abs(Int(beep.onsetMs) - call.beepOnsetMs) <= 50)
    }

    @Test func voicemailSampleBeepMatchesTheDetector() async throws {
        let bytes = try voicemailSample()
        try await withDaemon { _, ports in
            _ = try await Self.play(bytes, sampleRate: 8000, port: ports.http, uuid: "sample", realTime: false)
            let found = try await Self.checkEndedCall("sample", bytes: bytes, sampleRate: 8000, port: ports.http)
            let beep = try #require(found, "the detector finds the sample's beep")
            #expect(abs(beep.onsetMs - 9065) <= 50)
        }
    }

    @Test func sixteenKilohertzCallAsFastAsPossible() async throws {
        try await withDaemon { _, ports in
            let call = GeneratedCall(sampleRate: 16000)
            let close = try await Self.play(
                call, port: ports.http, uuid: "fast-16k", realTime: false, dtmf: ["1", "2", "#"]
            ) {
                try await eventually("the call to be listed") {
                    let list = try await request(.GET, port: ports.http, "/v1/calls").json["calls"] as? [[String: Any]]
                    return list?.contains {
                        $0["id"] as? String == "fast-16k" && $0["ingress"] as? String == "websocket"
                            && $0["codec"] as? String == "L16/16000" && $0["state"] as? String == "active"
                    } == true
                }
            }
            #expect(close?.closeCode == .normalClosure)
            try await Self.checkEndedCall("fast-16k", call, port: ports.http, dtmf: "12#")
            let metrics = try await request(.GET, port: ports.http, "/metrics").body
            #expect(metrics.contains("amd_ws_dtmf_messages_total 3"))
            #expect(metrics.contains("amd_ws_connections_total 1"))
        }
    }

    @Test func eightKilohertzCallAtRealTime() async throws {
        try await withDaemon { _, ports in
            let call = GeneratedCall(sampleRate: 8000)
            _ = try await Self.play(call, port: ports.http, uuid: "realtime-8k", realTime: true, dtmf: ["9"])
            try await Self.checkEndedCall("realtime-8k", call, port: ports.http, dtmf: "9")
        }
    }

    @Test func eightKilohertzCallAsFastAsPossible() async throws {
        try await withDaemon { _, ports in
            let call = GeneratedCall(sampleRate: 8000)
            _ = try await Self.play(call, port: ports.http, uuid: "fast-8k", realTime: false)
            try await Self.checkEndedCall("fast-8k", call, port: ports.http)
        }
    }

    @Test func badInputIsClosedWithItsCodeAndOtherCallsCarryOn() async throws {
        try await withDaemon({ $0.wsMaxMessageBytes = 2048 }) { control, ports in
            let port = ports.http
            let header = vonageHeader(rate: 16000, headers: [:])
            let cases: [(String, [Message], UInt16)] = [
                ("not JSON", [.text("hello")], 1007),
                ("not websocket:connected", [.text(#"{"event":"websocket:dtmf","digit":"1"}"#)], 1008),
                ("no content-type", [.text(#"{"event":"websocket:connected"}"#)], 1003),
                (
                    "unsupported content-type",
                    [.text(#"{"event":"websocket:connected","content-type":"audio/l16;rate=44100"}"#)], 1003
                ),
                ("binary before header", [.binary([UInt8](repeating: 0, count: 640))], 1008),
                ("odd byte count", [.text(header), .binary([UInt8](repeating: 0, count: 641))], 1007),
                ("over the size limit", [.text(header), .binary([UInt8](repeating: 0, count: 4096))], 1009),
            ]
            // A good call streams in real time throughout; bad connections must not disturb it.
            let stop = Shared(false)
            let good = GeneratedCall(sampleRate: 16000, buzzMs: 400, beepMs: 0, tailMs: 0)
            let goodFrames = Shared(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/socket", logger: Self.clientLogger) {
                        _, outbound, _ in
                        try await outbound.write(.text(vonageHeader(rate: 16000, headers: ["uuid": "steady"])))
                        let frame = ByteBuffer(bytes: good.bytes[0..<640])
                        let clock = ContinuousClock()
                        let start = clock.now
                        var index = 0
                        while !stop.value {
                            try await clock.sleep(until: start + .milliseconds(20 * index))
                            try await outbound.write(.binary(frame))
                            index += 1
                            goodFrames.value = index
                        }
                    }
                }
                try await eventually("the steady call to start") { control.hub.call("steady") != nil }
                for (name, messages, code) in cases {
                    let close = try await Self.session(port: port, messages, awaitServerClose: true)
                    #expect(close?.closeCode == WebSocketErrorCode(codeNumber: Int(code)), "\(name)")
                    #expect(close?.reason?.isEmpty == false, "\(name): close reason")
                }
                stop.value = true
                try await group.waitForAll()
            }
            let steady = try #require(control.hub.call("steady"))
            try await eventually("the steady call to end") { control.hub.call("steady")?.state == .ended }
            #expect(steady.ingress == .websocket)
            #expect(control.hub.call("steady")?.packets == Int64(goodFrames.value))
            #expect(control.hub.call("steady")?.endReason == "closed")
            let metrics = try await request(.GET, port: port, "/metrics").body
            for label in [
                "header_not_json", "not_connected_event", "missing_content_type", "unsupported_content_type",
                "audio_before_header", "odd_byte_count", "too_large",
            ] {
                #expect(metrics.contains(#"amd_ws_connections_rejected_total{reason="\#(label)"} 1"#), "\(label)")
            }
            // The calls opened by bad audio ended with the fault as their reason.
            let reasons = control.hub.calls().compactMap(\.endReason).sorted()
            #expect(reasons == ["closed", "odd_byte_count", "too_large"])
        }
    }

    @Test func idleConnectionIsClosedAndItsCallEnded() async throws {
        // Long enough that a loaded machine reads the header before the connection counts as idle: the idle
        // clock starts with the connection, and a header read late would leave no call to end.
        try await withDaemon({ $0.wsIdleTimeout = .seconds(5) }) { control, ports in
            let close = try await Self.session(
                port: ports.http, [.text(vonageHeader(rate: 8000, headers: ["uuid": "quiet"]))], awaitServerClose: true
            ) {
                try await eventually("the quiet call to start") { control.hub.call("quiet") != nil }
            }
            #expect(close?.closeCode == .policyViolation)
            #expect(close?.reason?.contains("idle") == true)
            try await eventually("the idle call to end") { control.hub.call("quiet")?.state == .ended }
            #expect(control.hub.call("quiet")?.endReason == "idle")
            // A connection that never sends its header is closed the same way.
            let silent = try await Self.session(port: ports.http, [], awaitServerClose: true)
            #expect(silent?.closeCode == .policyViolation)
        }
    }

    @Test func connectionsBeyondMaxCallsAreToldToTryLater() async throws {
        try await withDaemon({ $0.maxCalls = 1 }) { control, ports in
            let release = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await Self.session(
                        port: ports.http, [.text(vonageHeader(rate: 16000, headers: ["uuid": "first"]))]
                    ) {
                        for await _ in release.stream {}
                    }
                }
                try await eventually("the first call to start") { control.hub.activeCount == 1 }
                let close = try await Self.session(
                    port: ports.http, [.text(vonageHeader(rate: 16000, headers: ["uuid": "second"]))],
                    awaitServerClose: true)
                #expect(close?.closeCode == WebSocketErrorCode(codeNumber: 1013))
                #expect(control.hub.call("second") == nil)
                release.continuation.finish()
                try await group.waitForAll()
            }
            let metrics = try await request(.GET, port: ports.http, "/metrics").body
            #expect(metrics.contains(#"amd_ws_connections_rejected_total{reason="call_limit"} 1"#))
        }
    }

    @Test func customPathAndPlainGetAnswers426() async throws {
        try await withDaemon({ $0.wsPath = "/vonage/abc123" }) { control, ports in
            #expect(try await request(.GET, port: ports.http, "/vonage/abc123").status == 426)
            _ = try await Self.session(
                port: ports.http, path: "/vonage/abc123", [.text(vonageHeader(rate: 16000, headers: ["uuid": "p"]))])
            try await eventually("the call on the custom path to end") { control.hub.call("p")?.state == .ended }
        }
    }

    @Test func fragmentedMessagesAreGatheredUpToTheLimit() async throws {
        try await withDaemon({ $0.wsMaxMessageBytes = 2048 }) { control, ports in
            let close = try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(ports.http)/socket", logger: Self.clientLogger
            ) { inbound, outbound, _ in
                try await outbound.write(.text(vonageHeader(rate: 16000, headers: ["uuid": "fragments"])))
                // One 20 ms frame in three fragments of 200, 200 and 240 bytes: one message of 320 samples.
                try await outbound.withBinaryMessageWriter { writer in
                    for size in [200, 200, 240] { try await writer(ByteBuffer(repeating: 0, count: size)) }
                }
                // Fragments adding up to more than the limit close the connection before it is all buffered.
                try await outbound.withBinaryMessageWriter { writer in
                    for _ in 0..<3 { try await writer(ByteBuffer(repeating: 0, count: 1000)) }
                }
                for try await _ in inbound {}
            }
            #expect(close?.closeCode == .messageTooLarge)
            try await eventually("the call to end") { control.hub.call("fragments")?.state == .ended }
            let call = try #require(control.hub.call("fragments"))
            #expect(call.packets == 1 && call.audioMs == 20 && call.endReason == "too_large")
            #expect(try await Self.metric("amd_ws_frames_received_total", port: ports.http) == 1)
        }
    }

    @Test func shutdownClosesConnectionsAndEndsTheirCalls() async throws {
        try await withDaemon { control, ports in
            try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
                group.addTask {
                    try await Self.session(
                        port: ports.http, [.text(vonageHeader(rate: 8000, headers: ["uuid": "held"]))],
                        awaitServerClose: true)
                }
                try await eventually("the call to start") { control.hub.call("held") != nil }
                await control.shutdown()
                let close = try await group.next() ?? nil
                #expect(close?.closeCode == .normalClosure)
            }
            try await eventually("the call to end") { control.hub.call("held")?.state == .ended }
            #expect(control.hub.call("held")?.endReason == "shutdown")
        }
    }

    /// The value of an unlabelled counter in `GET /metrics`.
    static func metric(_ name: String, port: Int) async throws -> Int? {
        let body = try await request(.GET, port: port, "/metrics").body
        let line = body.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    @Test func textThatIsNeitherHeaderNorDTMFIsCountedAsIgnored() async throws {
        try await withDaemon { control, ports in
            let header = vonageHeader(rate: 8000, headers: ["uuid": "chatty"])
            let messages: [Message] = [
                .text(header), .text(#"{"event":"websocket:notice"}"#), .text("not json"),
                .text(#"{"event":"websocket:dtmf","digit":"9"}"#),
            ]
            _ = try await Self.session(port: ports.http, messages)
            try await eventually("the call to end") { control.hub.call("chatty")?.state == .ended }
            let metrics = try await request(.GET, port: ports.http, "/metrics").body
            #expect(metrics.contains("amd_ws_text_ignored_total 2"), "\(metrics)")
            #expect(metrics.contains("amd_ws_dtmf_messages_total 1"))
            #expect(metrics.contains("amd_dtmf_digits_total 1"))
        }
    }
}
