import AMDCore
import Synchronization
import Testing

@testable import AMDServer

/// One two-channel device's calls fed interleaved periods and an overrun's lost frames, reported to a sink.
struct ALSAIngressStreamTests {
    /// A sink recording each call's beeps and last counters, by call id.
    final class CallsSink: CallSink {
        private let state = Mutex<(beeps: [String: [BeepEvent]], counters: [String: CallCounters])>(([:], [:]))

        var beeps: [String: [BeepEvent]] { state.withLock { $0.beeps } }
        var counters: [String: CallCounters] { state.withLock { $0.counters } }

        func open(_ descriptor: CallDescriptor) -> String? { descriptor.proposedID }
        func update(_ id: String, counters: CallCounters) { state.withLock { $0.counters[id] = counters } }
        func beep(_ id: String, event: BeepEvent, counters: CallCounters) {
            state.withLock { $0.beeps[id, default: []].append(event) }
        }
        func dtmf(_ id: String, digit: String) {}
        func answer(_ id: String, decision: AnswerDecision, counters: CallCounters) {}
        func machineEnd(_ id: String, end: MachineEnd, counters: CallCounters) {}
        func close(_ id: String, counters: CallCounters, reason: CallEndReason) {
            state.withLock { $0.counters[id] = counters }
        }
    }

    @Test func eachChannelIsItsOwnCallAndLostFramesMoveStreamTimeOn() throws {
        let rate = 16000
        let periodFrames = 320
        // Channel 1 carries a voicemail call; channel 2 a caller talking, then a quiet line.
        let (voicemail, truthMs) = try ALSAIngressTests.speechThenBeep()
        var talking = try recordedSpeech()
        talking += [Int16](repeating: 0, count: max(0, voicemail.count - talking.count))
        let frames = GeneratedCall.littleEndianBytes(zip(voicemail, talking).flatMap { [$0, $1] })
        // An overrun 4 s in loses 1 s of the line: what comes after it is 1 s later on the line's clock.
        let overrunAtFrame = 4 * rate
        let lostFrames = Int64(rate)
        let sink = CallsSink()
        let metrics = ServerMetrics()
        let deviceMetrics = ALSAMetrics(device: "hw:9,0", metrics: metrics)
        let calls = try ["ch1", "ch2"].map { id -> PCMCallStream? in
            let detector = try StreamDetector(encoding: .linear16, sampleRate: rate)
            let reporter = CallReporter(
                callID: id, sink: sink, sampleRate: rate, metrics: IngressMetrics(server: metrics, units: nil))
            return PCMCallStream(reporter: reporter, detector: detector)
        }
        var stream = ALSAIngressStream(
            calls: calls, sampleRate: rate, periodFrames: periodFrames, deviceMetrics: deviceMetrics)
        let periodBytes = periodFrames * 2 * 2
        for start in stride(from: 0, to: frames.count, by: periodBytes) {
            if start == overrunAtFrame * 4 {
                stream.skip(lostFrames: lostFrames)
            }
            frames[start..<min(frames.count, start + periodBytes)].withUnsafeBytes { period in
                stream.process(period)
            }
        }
        stream.end(reason: .shutdown)

        let beep = try #require(sink.beeps["ch1"]?.first)
        let lineOnsetMs = truthMs + Int(lostFrames) * 1000 / rate
        #expect(abs(Int(beep.onsetMs) - lineOnsetMs) <= 100, "onset \(beep.onsetMs) ms, on the line \(lineOnsetMs) ms")
        #expect(sink.beeps["ch2"] == nil, "speech and a quiet line hold no beep")
        let periods = Int64((voicemail.count + periodFrames - 1) / periodFrames)
        for id in ["ch1", "ch2"] {
            let counters = try #require(sink.counters[id])
            #expect(counters.audioMs == (Int64(voicemail.count) + lostFrames) * 1000 / Int64(rate), "\(id)")
            #expect(counters.packets == periods, "lost frames are no periods: \(id)")
        }
        let exported = metrics.render()
        #expect(exported.contains(#"amd_alsa_lost_seconds_total{device="hw:9,0"} 1.0"#), "\(exported)")
        #expect(exported.contains(#"amd_alsa_periods_total{device="hw:9,0"} \#(periods)"#), "\(exported)")
    }
}
