import AMDCore
import Synchronization
import Testing

@testable import AMDServer

/// One call's reporter between a detector fed 20 ms frames and a recording sink and metrics recorder.
struct CallReporterTests {
    /// A metrics recorder keeping every batch it is given, with the rate.
    final class BatchRecorder: IngressMetricsRecorder {
        private let recorded = Mutex<[(batch: IngressMetricsBatch, sampleRate: Int)]>([])

        var batches: [IngressMetricsBatch] { recorded.withLock { $0.map(\.batch) } }
        var sampleRates: Set<Int> { recorded.withLock { Set($0.map(\.sampleRate)) } }

        func record(_ batch: IngressMetricsBatch, sampleRate: Int) {
            recorded.withLock { $0.append((batch, sampleRate)) }
        }
    }

    static let rate = 16000
    static let frameMs: Int64 = 20
    static let samplesPerFrame = Int64(rate) * frameMs / 1000

    /// Opens a call on `sink` and returns its reporter and a fresh detector.
    static func openCall(sink: RecordingSink, metrics: BatchRecorder?) throws -> (CallReporter, StreamDetector) {
        let descriptor = CallDescriptor(ingress: .websocket, source: "10.0.0.1:5000", codec: "L16/16000")
        let id = try #require(sink.open(descriptor))
        let detector = try StreamDetector(encoding: .linear16, sampleRate: rate)
        return (CallReporter(callID: id, sink: sink, sampleRate: rate, metrics: metrics), detector)
    }

    @Test func aGreetingReachesTheSinkInTheHubsOrderWithItsCountersAndMetrics() throws {
        let call = GeneratedCall(sampleRate: Self.rate)
        let bytes = call.bytes
        let sink = RecordingSink()
        let recorder = BatchRecorder()
        var (reporter, detector) = try Self.openCall(sink: sink, metrics: recorder)
        var reportsDue = 0
        for start in stride(from: 0, to: bytes.count, by: call.frameBytes) {
            bytes[start..<min(bytes.count, start + call.frameBytes)].withUnsafeBytes { frame in
                reporter.countPacket()
                reporter.detect(&detector) { detector, onOutput in detector.process(frame, onOutput: onOutput) }
                if reporter.reportCountersIfDue() { reportsDue += 1 }
            }
        }
        reporter.end(&detector, reason: .closed)

        let totalMs = Int64(call.buzzMs + call.beepMs + call.tailMs)
        let frames = totalMs / Self.frameMs
        let reports = sink.all
        guard case .open = reports.first else { Issue.record("the call opens first: \(reports)"); return }
        #expect(reports.last == .close(CallCounters(audioMs: totalMs, packets: frames), .closed))
        #expect(reports.count { if case .close = $0 { true } else { false } } == 1, "closed once")

        // Counters every 500 ms of stream time, each with the frames that made it.
        let updates = reports.compactMap { report -> CallCounters? in
            if case .update(let counters) = report { counters } else { nil }
        }
        let interval = CallCounters.reportIntervalMs
        let expected = stride(from: interval, through: totalMs, by: Int(interval)).map {
            CallCounters(audioMs: $0, packets: $0 / Self.frameMs)
        }
        #expect(updates == expected)
        #expect(reportsDue == expected.count)

        // The beep carries the counters as of the end of the frame it was found in: the whole frame's stream time
        // and packets, which only exist once the detector has returned.
        let beeps = reports.enumerated().compactMap { index, report -> (Int, BeepEvent, CallCounters)? in
            if case .beep(let event, let counters) = report { (index, event, counters) } else { nil }
        }
        let (beepIndex, beep, beepCounters) = try #require(beeps.first)
        #expect(beeps.count == 1)
        #expect(abs(Int(beep.onsetMs) - call.beepOnsetMs) <= 100, "onset \(beep.onsetMs) ms")
        #expect(beepCounters.audioMs == beepCounters.packets * Self.frameMs, "\(beepCounters)")
        #expect(beepCounters.audioMs >= beep.onsetMs)
        let updatesBefore = reports[..<beepIndex].count { if case .update = $0 { true } else { false } }
        #expect(
            updatesBefore == expected.count { $0.audioMs < beepCounters.audioMs },
            "the beep comes before the update of its own frame")

        // Metrics in the same batches as the counters, and the rest (with the detector's finish) at the end.
        let batches = recorder.batches
        #expect(batches.count == expected.count + 1)
        #expect(batches.reduce(0) { $0 + $1.units } == frames)
        #expect(batches.reduce(0) { $0 + $1.samples } == frames * Self.samplesPerFrame)
        for batch in batches.dropLast() {
            #expect(batch.units == interval / Self.frameMs)
            #expect(batch.samples == interval * Int64(Self.rate) / 1000)
        }
        #expect(batches.allSatisfy { $0.detectorNanoseconds > 0 }, "the detector's time is measured")
        #expect(recorder.sampleRates == [Self.rate])
    }

    @Test func lostAudioMovesStreamTimeOnWithoutCountingAsAudioOrPackets() throws {
        let sink = RecordingSink()
        let recorder = BatchRecorder()
        var (reporter, detector) = try Self.openCall(sink: sink, metrics: recorder)
        let lostSamples = Int64(Self.rate) * CallCounters.reportIntervalMs / 1000
        reporter.detect(&detector, countsAudio: false) { detector, onOutput in
            detector.processSilence(sampleCount: Int(lostSamples), onOutput: onOutput)
        }
        reporter.setPacketsLost(3)
        reporter.dtmf("5")
        let first = reporter.reportCountersIfDue()
        let second = reporter.reportCountersIfDue()
        #expect(first)
        #expect(!second, "no stream time passed since")
        reporter.end(&detector, reason: .idle)

        let counters = CallCounters(audioMs: CallCounters.reportIntervalMs, packets: 0, packetsLost: 3)
        let reports = Array(sink.all.dropFirst())
        #expect(reports.first == .dtmf("5"))
        #expect(reports.dropFirst().first == .update(counters))
        #expect(reports.last == .close(counters, .idle))
        let batches = recorder.batches
        #expect(batches.first?.samples == 0, "lost audio is not audio received")
        #expect(batches.first?.units == 0)
        #expect(batches.first?.detectorNanoseconds ?? 0 > 0)
    }

    @Test func belowTheIntervalOnlyTheEndReportsCountersAndMetrics() throws {
        let sink = RecordingSink()
        var (reporter, detector) = try Self.openCall(sink: sink, metrics: nil)
        let frame = [UInt8](repeating: 0, count: Int(Self.samplesPerFrame) * 2)
        let frames = CallCounters.reportIntervalMs / Self.frameMs - 1
        for _ in 0..<frames {
            reporter.countPacket()
            frame.withUnsafeBytes { bytes in
                reporter.detect(&detector) { detector, onOutput in detector.process(bytes, onOutput: onOutput) }
            }
            let reported = reporter.reportCountersIfDue()
            #expect(!reported)
        }
        reporter.end(&detector, reason: .shutdown)
        let counters = CallCounters(audioMs: frames * Self.frameMs, packets: frames)
        #expect(!sink.all.contains { if case .update = $0 { true } else { false } })
        #expect(sink.all.last == .close(counters, .shutdown))
    }
}
