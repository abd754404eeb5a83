import AMDCore
import AMDServer
import Testing

struct VonageSessionTests {
    private func text(_ session: inout VonageSession, _ message: String) throws -> VonageSession.TextOutcome {
        try Array(message.utf8).withUnsafeBytes { bytes in try session.receiveText(bytes) }
    }

    private func binary(_ session: inout VonageSession, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { bytes in try session.receiveBinary(bytes) }
    }

    @Test func headerOpensTheCallWithIdCodecAndMetadata() throws {
        let sink = RecordingSink()
        var session = VonageSession(source: "10.0.0.5:4711", sink: sink, maxMessageBytes: 65536)
        let header =
            #"{"event":"websocket:connected","content-type":"audio/l16;rate=8000","call_uuid":"c","#
            + #""conversation_uuid":"conv-1","uuid":"","caller":"447700900000","attempt":2}"#
        #expect(try text(&session, header) == .connected(callID: "call-1"))
        let descriptor = CallDescriptor(
            ingress: .websocket, source: "10.0.0.5:4711", codec: "L16/8000", proposedID: "conv-1",
            metadata: [
                "call_uuid": "c", "conversation_uuid": "conv-1", "uuid": "", "caller": "447700900000",
                "attempt": "2",
            ])
        #expect(sink.all == [.open(descriptor)])
        #expect(session.header?.sampleRate == 8000)
    }

    @Test func idPrefersUuidThenConversationThenCall() throws {
        for (headers, id) in [
            (["uuid": "u", "conversation_uuid": "c", "call_uuid": "k"], "u"),
            (["conversation_uuid": "c", "call_uuid": "k"], "c"), (["call_uuid": "k"], "k"), ([:], nil),
        ] as [([String: String], String?)] {
            let sink = RecordingSink()
            var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536)
            _ = try text(&session, vonageHeader(rate: 16000, headers: headers))
            guard case .open(let descriptor) = sink.all.first else {
                Issue.record("no open for \(headers)")
                continue
            }
            #expect(descriptor.proposedID == id)
            #expect(descriptor.codec == "L16/16000" && descriptor.ingress == .websocket)
        }
    }

    @Test func contentTypes() {
        #expect(VonageHeader.linear16Rate("audio/l16;rate=16000") == 16000)
        #expect(VonageHeader.linear16Rate("Audio/L16; rate=8000") == 8000)
        #expect(VonageHeader.linear16Rate("audio/l16;rate=44100") == nil)
        #expect(VonageHeader.linear16Rate("audio/l16") == nil)
        #expect(VonageHeader.linear16Rate("audio/pcmu;rate=8000") == nil)
    }

    @Test func badFirstMessagesThrowWithTheirCloseCodes() {
        let cases: [(String, VonageSessionError, UInt16)] = [
            ("hello", .headerNotJSON, 1007),
            ("[1,2]", .headerNotJSON, 1007),
            (#"{"event":"websocket:dtmf","digit":"1"}"#, .notConnectedEvent("websocket:dtmf"), 1008),
            (#"{"event":"websocket:connected"}"#, .missingContentType, 1003),
            (
                #"{"event":"websocket:connected","content-type":"audio/l16;rate=48000"}"#,
                .unsupportedContentType("audio/l16;rate=48000"), 1003
            ),
        ]
        for (message, error, code) in cases {
            let sink = RecordingSink()
            var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536)
            #expect(throws: error) { _ = try text(&session, message) }
            #expect(error.closeCode == code)
            #expect(error.description.utf8.count <= 123)
            #expect(sink.all.isEmpty)
        }
    }

    @Test func binaryBeforeHeaderOddBytesAndSizeLimit() throws {
        let sink = RecordingSink()
        var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 2048)
        #expect(throws: VonageSessionError.audioBeforeHeader(bytes: 640)) {
            try binary(&session, Array(repeating: 0, count: 640))
        }
        // Before the header, audio is the fault whatever its length.
        #expect(throws: VonageSessionError.audioBeforeHeader(bytes: 641)) {
            try binary(&session, Array(repeating: 0, count: 641))
        }
        _ = try text(&session, vonageHeader(rate: 16000))
        #expect(throws: VonageSessionError.oddByteCount(641)) {
            try binary(&session, Array(repeating: 0, count: 641))
        }
        #expect(throws: VonageSessionError.messageTooLarge(bytes: 2050, limit: 2048)) {
            try binary(&session, Array(repeating: 0, count: 2050))
        }
        #expect(VonageSessionError.messageTooLarge(bytes: 2050, limit: 2048).closeCode == 1009)
        #expect(VonageSessionError.callLimit.closeCode == 1013)
    }

    @Test func fullDaemonRefusesTheCall() {
        var session = VonageSession(source: "s", sink: RecordingSink(accepts: false), maxMessageBytes: 65536)
        #expect(throws: VonageSessionError.callLimit) { _ = try text(&session, vonageHeader(rate: 16000)) }
        #expect(session.callID == nil)
    }

    @Test func framesCountSamplesReportEvery500msAndEndCloses() throws {
        let sink = RecordingSink()
        var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536)
        _ = try text(&session, vonageHeader(rate: 8000))
        let frame = [UInt8](repeating: 0, count: 320)
        for _ in 0..<60 { try binary(&session, frame) }
        // Frames of other sizes are fine as long as they hold whole samples: 10 ms here.
        try binary(&session, [UInt8](repeating: 0, count: 160))
        #expect(session.counters == CallCounters(audioMs: 1210, packets: 61))
        session.end(reason: .closed)
        session.end(reason: .shutdown)
        let updates = sink.all.compactMap { if case .update(let c) = $0 { c.audioMs } else { nil } }
        #expect(updates == [500, 1000])
        #expect(sink.all.last == .close(CallCounters(audioMs: 1210, packets: 61), .closed))
    }

    @Test func dtmfDigitsAreKeptOtherTextIgnored() throws {
        let sink = RecordingSink()
        var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536)
        _ = try text(&session, vonageHeader(rate: 16000))
        #expect(try text(&session, #"{"event":"websocket:dtmf","digit":"5","duration":260}"#) == .dtmf("5"))
        #expect(try text(&session, ##"{"event":"websocket:dtmf","digit":"#"}"##) == .dtmf("#"))
        #expect(try text(&session, #"{"event":"websocket:dtmf","digit":"55"}"#) == .ignored)
        #expect(try text(&session, #"{"event":"websocket:notify"}"#) == .ignored)
        #expect(try text(&session, "not json") == .ignored)
        #expect(session.dtmfMessages == 2 && session.ignoredMessages == 3)
        #expect(sink.all.dropFirst() == [.dtmf("5"), .dtmf("#")])
    }

    @Test func beepsGoToTheSinkAsTheDetectorReportsThem() throws {
        let call = GeneratedCall(sampleRate: 16000)
        let reference = try call.referenceEvents()
        let sink = RecordingSink()
        var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536)
        _ = try text(&session, vonageHeader(rate: 16000))
        let bytes = call.bytes
        for start in stride(from: 0, to: bytes.count, by: call.frameBytes) {
            try binary(&session, Array(bytes[start..<min(start + call.frameBytes, bytes.count)]))
        }
        let beeps = sink.all.compactMap { if case .beep(let event, _) = $0 { event } else { nil } }
        #expect(!reference.isEmpty)
        #expect(beeps == reference)
    }

    /// `--model` reaches the detector: a model whose track classifier turns every tone down reports nothing.
    @Test func theSessionUsesTheGivenModel() throws {
        let call = GeneratedCall(sampleRate: 16000)
        var model = BeepModel.default
        let classifier = try #require(model.trackClassifier)
        model.trackClassifier?.threshold = 1e9
        model.trackClassifier?.clearThreshold = 1e9
        #expect(classifier.threshold < 1e9)
        let sink = RecordingSink()
        var session = VonageSession(source: "s", sink: sink, maxMessageBytes: 65536, model: try ValidatedModel(model))
        _ = try text(&session, vonageHeader(rate: 16000))
        let bytes = call.bytes
        for start in stride(from: 0, to: bytes.count, by: call.frameBytes) {
            try binary(&session, Array(bytes[start..<min(start + call.frameBytes, bytes.count)]))
        }
        #expect(!sink.all.contains { if case .beep = $0 { true } else { false } })
        #expect(try !call.referenceEvents().isEmpty)
    }
}
