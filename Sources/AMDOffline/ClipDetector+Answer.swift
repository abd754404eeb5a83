public import AMDCore

extension ClipDetector {
    /// The JSON line `detect` prints for an answer decision.
    public static func line(file: String, stream: String? = nil, decision: AnswerDecision) -> String {
        var json = JSONLine()
        json.add("file", file)
        if let stream { json.add("stream", stream) }
        json.add("event", "answer")
        json.add("answered_by", decision.answeredBy.rawValue)
        json.add("decided_ms", decision.decidedMs)
        json.add("confidence", decision.confidence, decimals: 3)
        json.add("cause", decision.cause.rawValue)
        return json.line
    }

    /// The JSON line `detect` prints for the end of a machine's greeting.
    public static func line(file: String, stream: String? = nil, machineEnd: MachineEnd) -> String {
        var json = JSONLine()
        json.add("file", file)
        if let stream { json.add("stream", stream) }
        json.add("event", "machine_end")
        json.add("outcome", machineEnd.outcome.rawValue)
        json.add("ms", machineEnd.ms)
        return json.line
    }

    /// The JSON line `detect` prints for a detector output: a beep, an answer decision or a machine's end; nil for
    /// the outputs it does not print (rejections, scored tones).
    public static func line(file: String, stream: String? = nil, output: BeepDetector.Output) -> String? {
        switch output {
        case .beep(let event): line(file: file, stream: stream, event: event)
        case .answer(let decision): line(file: file, stream: stream, decision: decision)
        case .machineEnd(let end): line(file: file, stream: stream, machineEnd: end)
        case .rejection, .candidate: nil
        }
    }
}
