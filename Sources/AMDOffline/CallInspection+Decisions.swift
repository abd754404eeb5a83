import AMDCore

extension CallInspection {
    /// Every tone track the detector judged on `samples`: each beep reported, each rejection, and each track the
    /// track classifier measured that neither was reported nor rejected by the end.
    ///
    /// The only place `inspect` runs ``StreamDetector``: it feeds 20 ms packets, as the network would, and gathers
    /// what the detector's outputs report.
    static func decisions(
        samples: [Int16], sampleRate: Int, model: ValidatedModel
    ) throws(StreamDetectorError)
        -> [ToneDecision]
    {
        var pipeline = try StreamDetector(encoding: .linear16, sampleRate: sampleRate, validated: model)
        var decisions: [ToneDecision] = []
        var candidates: [TrackCandidate] = []
        let packet = max(1, sampleRate / 50)
        samples.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + packet)
                pipeline.process(samples: UnsafeBufferPointer(rebasing: all[offset..<end])) { output in
                    switch output {
                    case .beep(let event):
                        decisions.append(
                            ToneDecision(
                                onsetMs: event.onsetMs, decidedMs: event.detectedMs, frequencyHz: event.frequencyHz,
                                verdict: .beep(confidence: event.confidence)))
                    case .rejection(let rejection):
                        decisions.append(
                            ToneDecision(
                                onsetMs: rejection.onsetMs, decidedMs: rejection.atMs,
                                frequencyHz: rejection.frequencyHz,
                                verdict: .rejected(reason: rejection.reason.rawValue, detail: rejection.detail)))
                    case .candidate(let candidate):
                        candidates.append(candidate)
                    case .answer, .machineEnd:
                        break
                    }
                }
                offset = end
            }
        }
        // A track the classifier measured carries its decision under the same onset; one without is undecided.
        for candidate in candidates where !decisions.contains(where: { $0.onsetMs == candidate.onsetMs }) {
            decisions.append(
                ToneDecision(
                    onsetMs: candidate.onsetMs, decidedMs: candidate.atMs, frequencyHz: candidate.frequencyHz,
                    verdict: .undecided))
        }
        return decisions.sorted { ($0.decidedMs, $0.onsetMs) < ($1.decidedMs, $1.onsetMs) }
    }
}
