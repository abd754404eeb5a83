import AMDCore
import Foundation
import Testing

@testable import AMDOffline

/// `Evaluation`: the corpus's scoring rules on hand-made labels and events, and a whole run's summary.
struct EvaluationTests {
    private func entry(
        _ kind: String, onset: Double? = nil, end: Double? = nil, freqs: [Double]? = nil, file: String = "call.wav"
    ) throws -> ManifestEntry {
        var fields: [String: Any] = ["file": file, "kind": kind]
        if let onset { fields["beep_onset_s"] = onset }
        if let end { fields["beep_end_s"] = end }
        if let freqs { fields["beep_freqs_hz"] = freqs }
        return try JSONDecoder().decode(ManifestEntry.self, from: JSONSerialization.data(withJSONObject: fields))
    }

    private func close(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) < 1e-9
    }

    private func beep(at detectedMs: Int64, hz: Double = 1000) -> BeepEvent {
        BeepEvent(onsetMs: detectedMs - 100, detectedMs: detectedMs, frequencyHz: hz, confidence: 0.9)
    }

    // MARK: score

    @Test func beepBeforeTheOnsetIsEarly() throws {
        let result = Evaluation.score(
            try entry("machine_beep", onset: 5, end: 5.3), events: [beep(at: 4999)], seconds: 9)
        #expect(result.outcome == .early)
        #expect(result.latencyMs == nil)
        #expect(result.first?.detectedMs == 4999)
    }

    @Test func beepAtTheOnsetIsAHitWithZeroLatency() throws {
        let result = Evaluation.score(
            try entry("machine_beep", onset: 5, end: 5.3, freqs: [1000]), events: [beep(at: 5000)], seconds: 9)
        #expect(result.outcome == .hit)
        #expect(result.latencyMs == 0)
        #expect(result.audioSeconds == 9)
    }

    @Test func onsetIsRoundedToWholeMilliseconds() throws {
        // 5.0004 s rounds to 5000 ms: a detection at 5000 ms is not early.
        let result = Evaluation.score(
            try entry("machine_beep", onset: 5.0004, end: 5.3), events: [beep(at: 5000)], seconds: 9)
        #expect(result.outcome == .hit)
    }

    @Test(arguments: [(5.3, Int64(7300)), (2.001, 4001), (0.345, 2345), (9.563, 11563), (2.004, 4004)])
    func beepAtEndPlusTwoSecondsIsStillAHit(end: Double, detectedMs: Int64) throws {
        // The window's last millisecond is end + 2 s exactly, however the end is written in floating point.
        let edge = Evaluation.score(
            try entry("machine_beep", onset: 0.1, end: end), events: [beep(at: detectedMs)], seconds: 20)
        #expect(edge.outcome == .hit)
        #expect(edge.latencyMs == detectedMs - 100)
        let late = Evaluation.score(
            try entry("machine_beep", onset: 0.1, end: end), events: [beep(at: detectedMs + 1)], seconds: 20)
        #expect(late.outcome == .miss)
        #expect(late.latencyMs == nil)
        #expect(late.first?.detectedMs == detectedMs + 1)
    }

    @Test func noBeepOnABeepCallIsAMiss() throws {
        let result = Evaluation.score(try entry("machine_beep", onset: 5, end: 5.3), events: [], seconds: 9)
        #expect(result.outcome == .miss)
        #expect(result.first == nil)
    }

    @Test func onlyTheFirstBeepDecides() throws {
        let labelled = try entry("machine_beep", onset: 5, end: 5.3)
        #expect(Evaluation.score(labelled, events: [beep(at: 3000), beep(at: 5100)], seconds: 9).outcome == .early)
        #expect(Evaluation.score(labelled, events: [beep(at: 5100), beep(at: 3000)], seconds: 9).outcome == .hit)
    }

    @Test(arguments: ["human", "machine_nobeep", "dtmf", "ringback", "fax"])
    func beepOnACallWithoutOneIsAFalseAlarm(kind: String) throws {
        let alarm = Evaluation.score(try entry(kind), events: [beep(at: 1234)], seconds: 9)
        #expect(alarm.outcome == .falseAlarm)
        #expect(alarm.first?.detectedMs == 1234)
        #expect(alarm.latencyMs == nil)
        let quiet = Evaluation.score(try entry(kind), events: [], seconds: 9)
        #expect(quiet.outcome == .correctReject)
    }

    @Test func frequencyErrorIsTheDistanceToTheNearestTrueFrequency() throws {
        let labelled = try entry("machine_beep", onset: 5, end: 5.3, freqs: [1000, 1400])
        let near1400 = Evaluation.score(labelled, events: [beep(at: 5100, hz: 1390.5)], seconds: 9)
        #expect(near1400.frequencyErrorHz == 9.5)
        let near1000 = Evaluation.score(labelled, events: [beep(at: 5100, hz: 1003)], seconds: 9)
        #expect(near1000.frequencyErrorHz == 3)
        let unlabelled = Evaluation.score(
            try entry("machine_beep", onset: 5, end: 5.3), events: [beep(at: 5100)], seconds: 9)
        #expect(unlabelled.frequencyErrorHz == nil)
    }

    @Test func outcomeNamesAreTheReportsWords() {
        #expect(Evaluation.Outcome.falseAlarm.rawValue == "false_alarm")
        #expect(Evaluation.Outcome.correctReject.rawValue == "correct_reject")
        #expect(Evaluation.Outcome.hit.rawValue == "hit")
    }

    // MARK: summary helpers

    @Test func percentileInterpolatesLinearly() {
        #expect(Evaluation.percentile([], 0.5) == nil)
        #expect(Evaluation.percentile([7], 0.95) == 7)
        #expect(Evaluation.percentile([10, 20], 0.5) == 15)
        #expect(close(Evaluation.percentile([10, 20], 0.95), 19.5))
        #expect(Evaluation.percentile([1, 2, 3, 4, 5], 0.5) == 3)
        #expect(Evaluation.percentile([1, 2, 3, 4, 5], 1) == 5)
        #expect(close(Evaluation.percentile([0, 10, 20, 30, 40], 0.95), 38))
    }

    @Test func ratioOfNothingIsZero() {
        #expect(Evaluation.ratio(0, 0) == 0)
        #expect(Evaluation.ratio(1, 4) == 0.25)
    }

    // MARK: a whole run

    @Test func runScoresEveryCallAndSummarizes() throws {
        try withTemporaryFolder { folder in
            try write(wavFile(Signal.silence(seconds: 2), rate: 8000), to: "calls/silence.wav", in: folder)
            try write("not audio", to: "calls/broken.wav", in: folder)
            let lines = [
                // Hits: the sample's beep starts about 9.07 s in; onsets 9.0 and 8.5 give latencies 500 ms apart.
                #"{"id":"a","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":9.0,"beep_end_s":9.6,"beep_freqs_hz":[1000]}"#,
                #"{"id":"b","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":8.5,"beep_end_s":9.6,"beep_freqs_hz":[990]}"#,
                // Early: labelled later than the real beep.
                #"{"id":"c","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":10.0,"beep_end_s":10.5}"#,
                // Miss: the window closes long before the real beep.
                #"{"id":"d","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":1.0,"beep_end_s":1.5}"#,
                "",
                #"{"id":"e","file":"\#(samplePath)","kind":"dtmf"}"#,
                #"{"id":"f","file":"calls/silence.wav","kind":"dtmf","beep_onset_s":null,"snr_db":12.5}"#,
                #"{"id":"g","file":"calls/silence.wav","kind":"human"}"#,
                #"{"id":"h","file":"calls/broken.wav","kind":"human"}"#,
            ]
            let manifest = try write(lines.joined(separator: "\n") + "\n", to: "manifest.jsonl", in: folder)
            let evaluation = try Evaluation.run(manifest: manifest, model: .default)

            #expect(
                evaluation.results.map(\.outcome) == [
                    .hit, .hit, .early, .miss, .falseAlarm, .correctReject, .correctReject,
                ])
            #expect(evaluation.failures.count == 1)
            #expect(evaluation.failures.first?.contains("broken.wav") == true)
            let first = try #require(evaluation.results.first?.first)
            let hit2 = try #require(evaluation.results[1].first)
            #expect(first.detectedMs == hit2.detectedMs)

            let summary = evaluation.summary
            #expect(summary.calls == 7)
            #expect(summary.beepCalls == 4)
            #expect(summary.nonBeepCalls == 3)
            #expect(summary.recall == 0.5)
            #expect(summary.earlyFalseAlarmRate == 0.25)
            #expect(summary.falseAlarmRate == 1.0 / 3)
            #expect(summary.falseAlarmsByKind["dtmf"]?.calls == 2)
            #expect(summary.falseAlarmsByKind["dtmf"]?.falseAlarms == 1)
            #expect(summary.falseAlarmsByKind["dtmf"]?.rate == 0.5)
            #expect(summary.falseAlarmsByKind["human"]?.calls == 1)
            #expect(summary.falseAlarmsByKind["human"]?.falseAlarms == 0)
            #expect(summary.falseAlarmsByKind["machine_beep"] == nil)
            let latency = Double(first.detectedMs - 9000)
            #expect(summary.latencyMedianMs == latency + 250)
            #expect(close(summary.latencyP95Ms, latency + 475))
            #expect(summary.latencyMaxMs == latency + 500)
            let error1000 = abs(first.frequencyHz - 1000)
            let error990 = abs(first.frequencyHz - 990)
            let errors = [error1000, error990].sorted()
            #expect(close(summary.frequencyErrorMedianHz, (errors[0] + errors[1]) / 2))
            #expect(close(summary.frequencyErrorP95Hz, errors[0] + (errors[1] - errors[0]) * 0.95))
            #expect(summary.realTimeFactor > 0)
            #expect(summary.failures == evaluation.failures)

            let report = evaluation.report
            #expect(report.contains("recall:             50.00%"))
            #expect(report.contains("early false alarms: 25.00% of beep calls"))
            #expect(report.contains("failed: "))
            #expect(report.contains("dtmf             1/2"))

            let json = try object(evaluation.json)
            #expect(json["recall"] as? Double == 0.5)
            #expect(json["calls"] as? Int == 7)
            #expect((json["false_alarms_by_kind"] as? [String: Any])?["dtmf"] != nil)
        }
    }

    @Test func runOnAMissingManifestNamesIt() {
        #expect {
            try Evaluation.run(manifest: "/nonexistent/manifest.jsonl", model: .default)
        } throws: { error in
            guard case OfflineError.unreadable(let path, _) = error else { return false }
            return path == "/nonexistent/manifest.jsonl"
        }
    }
}
