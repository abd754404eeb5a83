import AMDCore
import AMDServer
import Foundation
import Logging
import NIOHTTP1
import Testing

/// The ALSA ingress end to end: a real daemon capturing from libasound `file`-plugin devices (``ALSATestDevice``),
/// read back through the HTTP API.
struct ALSAIngressTests {
    /// Waits on the long-poll (`GET /v1/events?after=&wait=`) for the first event of `type` on call `callID`.
    static func firstEvent(
        _ type: String, callID: String, port: Int, timeout: Duration = .seconds(60)
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var after = 0
        while ContinuousClock.now < deadline {
            let page = try await request(.GET, port: port, "/v1/events?after=\(after)&wait=10").json
            let events = page["events"] as? [[String: Any]] ?? []
            let match = events.first { $0["type"] as? String == type && $0["call_id"] as? String == callID }
            if let match { return match }
            after = page["next"] as? Int ?? after
        }
        throw TestFailure("no \(type) event for \(callID) within \(timeout)")
    }

    /// What a line-capture device carries in a voicemail call, at 16 kHz: a 7.75 s greeting of recorded speech
    /// (``recordedSpeech()``), a 1 kHz beep (500 ms, -10 dBFS), then 500 ms of quiet line; a noise floor near
    /// -60 dBFS under the beep and after it. Returns the samples and the beep's true onset in milliseconds.
    static func speechThenBeep() throws -> (samples: [Int16], onsetMs: Int) {
        var samples = try recordedSpeech()
        let onset = samples.count
        for n in 0..<8000 { samples.append(Int16((10362 * sin(2 * .pi * 1000 * Double(n) / 16000)).rounded())) }
        samples.append(contentsOf: repeatElement(0, count: 8000))
        var random = SplitMix64(state: 2024)
        for index in onset..<samples.count {
            let noise = Int(random.next() % 121) - 60
            samples[index] = Int16(clamping: Int(samples[index]) + noise)
        }
        return (samples, onset * 1000 / 16000)
    }

    @Test(.scaledTimeLimit(minutes: 2))
    func beepOnACaptureDeviceReachesTheLongPollAndEndsAtShutdown() async throws {
        let (samples, truthMs) = try Self.speechThenBeep()
        // Pipes: once a device's samples are read, its capture waits for more, as on a real card.
        let beeping = try ALSATestDevice(samples: samples, input: .pipe)
        // A second device with speech only: its own call, and no beep.
        let talking = try ALSATestDevice(samples: try recordedSpeech(), input: .pipe)
        defer {
            beeping.remove()
            talking.remove()
        }
        let beepingID = ALSAIngress.callID(device: beeping.name)
        let talkingID = ALSAIngress.callID(device: talking.name)
        var daemonControl: DaemonControl?
        var shutdownStarted = ContinuousClock.now
        try await withDaemon({ $0.alsa = [beeping.name, talking.name] }) { control, ports in
            daemonControl = control
            defer {
                // Before the shutdown: a capture waiting in the pipe's read cannot see it.
                beeping.closeInput()
                talking.closeInput()
            }
            let event = try await Self.firstEvent("beep", callID: beepingID, port: ports.http)
            let onset = try #require(event["onset_ms"] as? Int)
            #expect(abs(onset - truthMs) <= 100, "beep onset \(onset) ms, true onset \(truthMs) ms")
            #expect(abs((event["frequency_hz"] as? Double ?? 0) - 1000) < 30)
            #expect(event["source"] as? String == beeping.name)

            let calls = try await fetchCalls(port: ports.http)
            let beepCall = try #require(calls.first { $0["id"] as? String == beepingID })
            #expect(beepCall["ingress"] as? String == "alsa")
            #expect(beepCall["codec"] as? String == "L16/16000")
            #expect(beepCall["state"] as? String == "active")
            #expect((beepCall["beep"] as? [String: Any])?["onset_ms"] as? Int == onset)
            let talkCall = try #require(calls.first { $0["id"] as? String == talkingID })
            #expect(talkCall["source"] as? String == talking.name && talkCall["ingress"] as? String == "alsa")
            #expect(talkCall["beep"] is NSNull, "speech alone holds no beep")

            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_alsa_periods_total{device="\#(beeping.name)"}"#) > 0)
            #expect(metricValue(metrics, "amd_beeps_total") >= 1)
            shutdownStarted = ContinuousClock.now
        }
        // withDaemon has shut the daemon down gracefully: both capture threads stopped and ended their calls.
        let shutdownTook = ContinuousClock.now - shutdownStarted
        #expect(shutdownTook < Duration.seconds(5).scaled, "graceful shutdown took \(shutdownTook)")
        let control = try #require(daemonControl)
        for id in [beepingID, talkingID] {
            let call = try #require(control.hub.call(id))
            #expect(call.state == .ended, "\(id) is \(call.state)")
            #expect(call.endReason == "shutdown", "\(id) ended for \(call.endReason ?? "-")")
            #expect(call.audioMs > 0 && call.packets > 0)
        }
        let beepCall = try #require(control.hub.call(beepingID))
        #expect(beepCall.audioMs >= beepCall.beep?.detectedMs ?? .max)
    }

    @Test(.scaledTimeLimit(minutes: 2))
    func eachChannelOfAMultiChannelDeviceIsItsOwnCall() async throws {
        // A two-line card: a voicemail call on line 1, a caller talking then a quiet line on line 2.
        let (voicemail, truthMs) = try Self.speechThenBeep()
        var talking = try recordedSpeech()
        talking += [Int16](repeating: 0, count: max(0, voicemail.count - talking.count))
        let card = try ALSATestDevice(samples: zip(voicemail, talking).flatMap { [$0, $1] }, input: .pipe)
        defer { card.remove() }
        let lineIDs = (0..<2).map { ALSAIngress.callID(device: card.name, channel: $0) }
        #expect(lineIDs.allSatisfy { $0.hasPrefix(ALSAIngress.callID(device: card.name)) })
        #expect(lineIDs[0].hasSuffix("-ch1") && lineIDs[1].hasSuffix("-ch2"))
        try await withDaemon({ $0.alsa = [card.name + "@2"] }) { control, ports in
            defer { card.closeInput() }
            let event = try await Self.firstEvent("beep", callID: lineIDs[0], port: ports.http)
            let onset = try #require(event["onset_ms"] as? Int)
            #expect(abs(onset - truthMs) <= 100, "beep onset \(onset) ms, true onset \(truthMs) ms")
            #expect(event["source"] as? String == card.name + "/ch1")
            let calls = try await fetchCalls(port: ports.http)
            #expect(calls.count == 2, "one call per channel, none for the device")
            let talkCall = try #require(calls.first { $0["id"] as? String == lineIDs[1] })
            #expect(talkCall["source"] as? String == card.name + "/ch2")
            #expect(talkCall["codec"] as? String == "L16/16000")
            #expect(talkCall["beep"] is NSNull, "speech on the other line holds no beep")
            let metrics = try await fetchMetrics(port: ports.http)
            #expect(metricValue(metrics, #"amd_alsa_periods_total{device="\#(card.name)"}"#) > 0)
            #expect(metricValue(metrics, #"amd_alsa_overruns_total{device="\#(card.name)"}"#) == 0)
        }
    }

    @Test(.scaledTimeLimit(minutes: 2))
    func theDaemonsNoBeepTimeoutAppliesToCaptureCalls() async throws {
        // A machine whose greeting is followed by silence, captured at the device's 16 kHz: each sample of the 8 kHz
        // recording is held for two, so the greeting keeps its length (played twice as fast, it would be a short
        // utterance and silence: a person). The direct runs below take the same samples at the same rate.
        let machine = try #require(AnswerEventsTests.calls.first { $0.name == "machine-silence" })
        let samples = try muLawSamples(ofWAV: machine.path).map(G711.muLawToLinear).flatMap { [$0, $0] }
        let rate = 16000
        let timeoutMs = 1500
        func directEnd(noBeepTimeoutMs: Int?) throws -> MachineEnd? {
            var detector = try StreamDetector(encoding: .linear16, sampleRate: rate)
            if let noBeepTimeoutMs { try detector.setNoBeepTimeout(ms: noBeepTimeoutMs) }
            var end: MachineEnd?
            let onOutput: (BeepDetector.Output) -> Void = { if let found = $0.machineEnd { end = found } }
            // Past its input the file device reads as silence; 6 s of it outlast the default timeout.
            let line = samples + [Int16](repeating: 0, count: 6 * rate)
            GeneratedCall.littleEndianBytes(line).withUnsafeBytes { detector.process($0, onOutput: onOutput) }
            return end
        }
        let shortEnd = try #require(try directEnd(noBeepTimeoutMs: timeoutMs))
        let defaultEnd = try #require(try directEnd(noBeepTimeoutMs: nil))
        #expect(shortEnd.outcome == .silence)
        #expect(defaultEnd.ms - shortEnd.ms > 1000, "the fixture ends later by default: \(defaultEnd), \(shortEnd)")

        let device = try ALSATestDevice(samples: samples)
        defer { device.remove() }
        let callID = ALSAIngress.callID(device: device.name)
        try await withDaemon({
            $0.alsa = [device.name]
            $0.noBeepTimeout = .milliseconds(timeoutMs)
        }) { _, ports in
            var end: [String: Any]?
            try await eventually(timeout: .seconds(60), "the greeting's end on \(callID)") {
                end = try await VonageIngressTests.call(callID, port: ports.http)?["machine_end"] as? [String: Any]
                return end != nil
            }
            #expect(end?["outcome"] as? String == "silence")
            let ms = try #require(end?["ms"] as? Int)
            #expect(abs(ms - Int(shortEnd.ms)) <= 40, "ended at \(ms) ms; \(timeoutMs) ms ends at \(shortEnd.ms) ms")
        }
    }

    @Test func callIDsAreTheDeviceNameMadeURLSafe() {
        #expect(ALSAIngress.callID(device: "plughw:1,0") == "alsa-plughw-1-0")
        #expect(ALSAIngress.callID(device: "hw:CARD=PCH,DEV=0") == "alsa-hw-CARD-PCH-DEV-0")
        #expect(ALSAIngress.callID(device: "default") == "alsa-default")
        #expect(CallRegistration.isValidID(ALSAIngress.callID(device: "file:'/tmp/a b.raw'")))
        #expect(ALSAIngress.callID(device: String(repeating: "x", count: 300)).count == 128)
    }

    @Test(.scaledTimeLimit(minutes: 1))
    func aDeviceThatCannotBeOpenedStopsTheDaemonNamingIt() async throws {
        let good = try ALSATestDevice(samples: [Int16](repeating: 0, count: 1600))
        defer { good.remove() }
        let missing = "amd-edge-no-such-capture-device"
        var configuration = ServerConfiguration()
        configuration.http = HostPort(host: "127.0.0.1", port: 0)
        configuration.alsa = [good.name, missing]
        var logger = Logger(label: "amd-edge-test")
        logger.logLevel = .critical
        let daemon = Daemon(configuration: configuration, logger: logger)
        await #expect(throws: ALSACaptureError.openFailed(device: missing, code: -ENOENT)) {
            try await daemon.run()
        }
        // The device that did open was closed again, and its call (if it got that far) ended.
        #expect(daemon.control.hub.calls().allSatisfy { $0.state == .ended })
        #expect(daemon.control.hub.activeCount == 0)
    }
}
