import AMDCore

extension Evaluation {
    /// How well the answer decision did on the calls that were answered: the manifest's `human`, `machine_beep`,
    /// `machine_nobeep` and `fax` calls (the other kinds are network tones, not answers).
    public struct AnswerSummary: Sendable, Encodable {
        /// Answered calls scored.
        public var calls: Int
        /// For each true class (`human`, `machine`, `fax`), how many calls were decided as each ``AnsweredBy``.
        public var confusion: [String: [String: Int]]
        /// Humans decided `human`, over humans.
        public var humanAccuracy: Double
        /// Machines (with or without a beep) decided `machine`, over machines.
        public var machineAccuracy: Double
        /// Faxes decided `fax`, over faxes.
        public var faxAccuracy: Double
        /// Humans decided `machine`, over humans: hanging up on a person, the worst error.
        public var humansCalledMachine: Double
        /// Answered calls decided `unknown`, over answered calls.
        public var unknownRate: Double
        /// Median time from the first speech to the decision on humans decided `human`, in ms.
        public var humanDecisionMedianMs: Double?
        /// 95th percentile of that time, in ms.
        public var humanDecisionP95Ms: Double?
        /// Median time from the first speech to the decision on machines decided `machine`, in ms.
        public var machineDecisionMedianMs: Double?
        /// 95th percentile of that time, in ms.
        public var machineDecisionP95Ms: Double?
        /// `machine_nobeep` calls scored.
        public var noBeepCalls: Int
        /// `machine_nobeep` calls whose greeting ended `silence` or `other` with no beep reported, over those calls.
        public var noBeepEndedWithoutBeep: Double
        /// `machine_nobeep` calls whose greeting ended `silence`, over those calls.
        public var noBeepEndedSilence: Double
        /// `machine_nobeep` calls whose greeting ended `other`, over those calls.
        public var noBeepEndedOther: Double

        enum CodingKeys: String, CodingKey {
            case calls, confusion
            case humanAccuracy = "human_accuracy"
            case machineAccuracy = "machine_accuracy"
            case faxAccuracy = "fax_accuracy"
            case humansCalledMachine = "humans_called_machine"
            case unknownRate = "unknown_rate"
            case humanDecisionMedianMs = "human_decision_median_ms"
            case humanDecisionP95Ms = "human_decision_p95_ms"
            case machineDecisionMedianMs = "machine_decision_median_ms"
            case machineDecisionP95Ms = "machine_decision_p95_ms"
            case noBeepCalls = "no_beep_calls"
            case noBeepEndedWithoutBeep = "no_beep_ended_without_beep"
            case noBeepEndedSilence = "no_beep_ended_silence"
            case noBeepEndedOther = "no_beep_ended_other"
        }
    }

    /// The class a manifest kind's call was truly answered by, or nil for kinds that are not answers.
    static func answerClass(ofKind kind: String) -> AnsweredBy? {
        switch kind {
        case "human": .human
        case "machine_beep", "machine_nobeep": .machine
        case "fax": .fax
        default: nil
        }
    }

    /// The answer figures of the results.
    public var answerSummary: AnswerSummary {
        let answered = results.filter { Self.answerClass(ofKind: $0.entry.kind) != nil }
        var confusion: [String: [String: Int]] = [:]
        for result in answered {
            guard let truth = Self.answerClass(ofKind: result.entry.kind) else { continue }
            let decided = (result.answer?.answeredBy ?? .unknown).rawValue
            confusion[truth.rawValue, default: [:]][decided, default: 0] += 1
        }
        func calls(_ truth: AnsweredBy) -> [CallResult] {
            answered.filter { Self.answerClass(ofKind: $0.entry.kind) == truth }
        }
        func share(_ truth: AnsweredBy, decided: AnsweredBy) -> Double {
            let all = calls(truth)
            return Self.ratio(all.filter { $0.answer?.answeredBy == decided }.count, all.count)
        }
        func decisionTimes(_ truth: AnsweredBy) -> [Double] {
            calls(truth).compactMap { result in
                guard let answer = result.answer, answer.answeredBy == truth, let onset = answer.speechOnsetMs else {
                    return nil
                }
                return Double(answer.decidedMs - onset)
            }.sorted()
        }
        let noBeep = results.filter { $0.entry.kind == "machine_nobeep" }
        func noBeepShare(_ outcomes: Set<MachineEnd.Outcome>) -> Double {
            let ended = noBeep.filter { result in
                guard let end = result.machineEnd else { return false }
                return outcomes.contains(end.outcome) && result.first == nil
            }
            return Self.ratio(ended.count, noBeep.count)
        }
        let human = decisionTimes(.human)
        let machine = decisionTimes(.machine)
        return AnswerSummary(
            calls: answered.count,
            confusion: confusion,
            humanAccuracy: share(.human, decided: .human),
            machineAccuracy: share(.machine, decided: .machine),
            faxAccuracy: share(.fax, decided: .fax),
            humansCalledMachine: share(.human, decided: .machine),
            unknownRate: Self.ratio(
                answered.filter { ($0.answer?.answeredBy ?? .unknown) == .unknown }.count, answered.count),
            humanDecisionMedianMs: Self.percentile(human, 0.5),
            humanDecisionP95Ms: Self.percentile(human, 0.95),
            machineDecisionMedianMs: Self.percentile(machine, 0.5),
            machineDecisionP95Ms: Self.percentile(machine, 0.95),
            noBeepCalls: noBeep.count,
            noBeepEndedWithoutBeep: noBeepShare([.silence, .other]),
            noBeepEndedSilence: noBeepShare([.silence]),
            noBeepEndedOther: noBeepShare([.other])
        )
    }

    /// Whether the call was answered and the decision was not the true class.
    public static func answerIsWrong(_ result: CallResult) -> Bool {
        guard let truth = answerClass(ofKind: result.entry.kind) else { return false }
        return result.answer?.answeredBy != truth
    }

    /// The answer figures as text for people: the confusion table, the accuracies and the decision times.
    public var answerReport: [String] {
        let s = answerSummary
        func pct(_ value: Double) -> String { "\((value * 100).fixed(2))%" }
        func ms(_ value: Double?) -> String { value.map { "\($0.fixed(0)) ms" } ?? "n/a" }
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, 9 - text.count)) + text }
        let decided = AnsweredBy.allCases
        var lines = [
            "answers:            \(s.calls) answered calls",
            "  true \\ decided  " + decided.map { cell($0.rawValue) }.joined(),
        ]
        for truth in [AnsweredBy.human, .machine, .fax] {
            let row = s.confusion[truth.rawValue] ?? [:]
            let name = truth.rawValue
            lines.append(
                "  \(name)\(String(repeating: " ", count: 15 - name.count))"
                    + decided.map { cell("\(row[$0.rawValue] ?? 0)") }.joined())
        }
        lines += [
            "  right:           human \(pct(s.humanAccuracy)), machine \(pct(s.machineAccuracy)), "
                + "fax \(pct(s.faxAccuracy))",
            "  humans called machine \(pct(s.humansCalledMachine)), unknown \(pct(s.unknownRate))",
            "  decision after first speech: human median \(ms(s.humanDecisionMedianMs)), "
                + "p95 \(ms(s.humanDecisionP95Ms)); machine median \(ms(s.machineDecisionMedianMs)), "
                + "p95 \(ms(s.machineDecisionP95Ms))",
            "  machine_nobeep (\(s.noBeepCalls)): ended without a beep \(pct(s.noBeepEndedWithoutBeep)) "
                + "(silence \(pct(s.noBeepEndedSilence)), other \(pct(s.noBeepEndedOther)))",
        ]
        return lines
    }
}
