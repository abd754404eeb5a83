import FoundationEssentials

extension Evaluation {
    /// The summary figures of an evaluation.
    public struct Summary: Sendable, Encodable {
        /// Calls scored.
        public var calls: Int
        /// Calls with a beep.
        public var beepCalls: Int
        /// Calls without a beep.
        public var nonBeepCalls: Int
        /// Hits over beep calls.
        public var recall: Double
        /// Early false alarms over beep calls.
        public var earlyFalseAlarmRate: Double
        /// False alarms over non-beep calls.
        public var falseAlarmRate: Double
        /// False-alarm rate per kind of non-beep call, with the count of calls of that kind.
        public var falseAlarmsByKind: [String: KindRate]
        /// Latency of hits, in ms.
        public var latencyMedianMs: Double?
        /// 95th percentile of hit latency, in ms.
        public var latencyP95Ms: Double?
        /// Largest hit latency, in ms.
        public var latencyMaxMs: Double?
        /// Median distance of the detected frequency from the true one, in Hz.
        public var frequencyErrorMedianHz: Double?
        /// 95th percentile of that distance, in Hz.
        public var frequencyErrorP95Hz: Double?
        /// Audio seconds processed per CPU second.
        public var realTimeFactor: Double
        /// Files that could not be read.
        public var failures: [String]
        /// The answer decision's figures.
        public var answers: AnswerSummary

        /// One kind's false alarms.
        public struct KindRate: Sendable, Encodable {
            /// Calls of the kind.
            public var calls: Int
            /// False alarms among them.
            public var falseAlarms: Int
            /// `falseAlarms / calls`.
            public var rate: Double

            enum CodingKeys: String, CodingKey {
                case calls, rate
                case falseAlarms = "false_alarms"
            }
        }

        enum CodingKeys: String, CodingKey {
            case calls, recall, failures, answers
            case beepCalls = "beep_calls"
            case nonBeepCalls = "non_beep_calls"
            case earlyFalseAlarmRate = "early_false_alarm_rate"
            case falseAlarmRate = "false_alarm_rate"
            case falseAlarmsByKind = "false_alarms_by_kind"
            case latencyMedianMs = "latency_median_ms"
            case latencyP95Ms = "latency_p95_ms"
            case latencyMaxMs = "latency_max_ms"
            case frequencyErrorMedianHz = "frequency_error_median_hz"
            case frequencyErrorP95Hz = "frequency_error_p95_hz"
            case realTimeFactor = "real_time_factor"
        }
    }

    /// The summary of the results.
    public var summary: Summary {
        let beep = results.filter { $0.entry.hasBeep }
        let other = results.filter { !$0.entry.hasBeep }
        let hits = beep.filter { $0.outcome == .hit }
        let latencies = hits.compactMap { $0.latencyMs.map(Double.init) }.sorted()
        let errors = hits.compactMap(\.frequencyErrorHz).sorted()
        var byKind: [String: Summary.KindRate] = [:]
        for (kind, calls) in Dictionary(grouping: other, by: \.entry.kind) {
            let alarms = calls.filter { $0.outcome == .falseAlarm }.count
            byKind[kind] = .init(calls: calls.count, falseAlarms: alarms, rate: Double(alarms) / Double(calls.count))
        }
        let audio = results.reduce(0) { $0 + $1.audioSeconds }
        return Summary(
            calls: results.count,
            beepCalls: beep.count,
            nonBeepCalls: other.count,
            recall: Self.ratio(hits.count, beep.count),
            earlyFalseAlarmRate: Self.ratio(beep.filter { $0.outcome == .early }.count, beep.count),
            falseAlarmRate: Self.ratio(other.filter { $0.outcome == .falseAlarm }.count, other.count),
            falseAlarmsByKind: byKind,
            latencyMedianMs: Self.percentile(latencies, 0.5),
            latencyP95Ms: Self.percentile(latencies, 0.95),
            latencyMaxMs: latencies.last,
            frequencyErrorMedianHz: Self.percentile(errors, 0.5),
            frequencyErrorP95Hz: Self.percentile(errors, 0.95),
            realTimeFactor: cpuSeconds > 0 ? audio / cpuSeconds : 0,
            failures: failures,
            answers: answerSummary
        )
    }

    /// The summary as text for people.
    public var report: String {
        let s = summary
        func pct(_ value: Double) -> String { "\((value * 100).fixed(2))%" }
        func ms(_ value: Double?) -> String { value.map { "\($0.fixed(0)) ms" } ?? "n/a" }
        var lines = [
            "calls:              \(s.calls) (\(s.beepCalls) with a beep, \(s.nonBeepCalls) without)",
            "recall:             \(pct(s.recall))",
            "early false alarms: \(pct(s.earlyFalseAlarmRate)) of beep calls",
            "false alarms:       \(pct(s.falseAlarmRate)) of non-beep calls",
        ]
        for kind in s.falseAlarmsByKind.keys.sorted() {
            if let rate = s.falseAlarmsByKind[kind] {
                let name = kind.prefix(16)
                lines.append(
                    "  \(name)\(String(repeating: " ", count: 16 - name.count)) \(rate.falseAlarms)/\(rate.calls)")
            }
        }
        lines += [
            "latency:            median \(ms(s.latencyMedianMs)), p95 \(ms(s.latencyP95Ms)), max \(ms(s.latencyMaxMs))",
            "frequency error:    median \(s.frequencyErrorMedianHz.map { "\($0.fixed(1)) Hz" } ?? "n/a"), "
                + "p95 \(s.frequencyErrorP95Hz.map { "\($0.fixed(1)) Hz" } ?? "n/a")",
            "throughput:         \(s.realTimeFactor.fixed(0))× real time (audio seconds per CPU second)",
        ]
        lines += answerReport
        for failure in s.failures { lines.append("failed: \(failure)") }
        return lines.joined(separator: "\n")
    }

    /// The summary as one JSON object.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(summary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(sorted.count - 1, low + 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}
