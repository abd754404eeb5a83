import Testing

@testable import AMDCore

/// ``BeepDetector/Output``: each case's accessor, and the onset correction a delaying pipeline applies.
struct BeepDetectorOutputTests {
    static let beep = BeepEvent(onsetMs: 900, detectedMs: 1000, frequencyHz: 1000, confidence: 0.9)
    static let rejection = ToneRejection(reason: .faint, atMs: 1000, onsetMs: 900, frequencyHz: 600, detail: -25)
    static let candidate = TrackCandidate(atMs: 1000, onsetMs: 900, frequencyHz: 700, measurements: .init())

    @Test func eachAccessorAnswersForItsOwnCaseOnly() {
        let outputs: [BeepDetector.Output] = [.beep(Self.beep), .rejection(Self.rejection), .candidate(Self.candidate)]
        #expect(outputs.map(\.beep) == [Self.beep, nil, nil])
        #expect(outputs.map(\.rejection) == [nil, Self.rejection, nil])
        #expect(outputs.map(\.candidate) == [nil, nil, Self.candidate])
    }

    @Test func movingTheOnsetChangesTheOnsetOnly() {
        var beep = Self.beep
        beep.onsetMs = 880
        #expect(BeepDetector.Output.beep(Self.beep).movingOnset(earlierByMs: 20) == .beep(beep))
        var rejection = Self.rejection
        rejection.onsetMs = 880
        #expect(BeepDetector.Output.rejection(Self.rejection).movingOnset(earlierByMs: 20) == .rejection(rejection))
        var candidate = Self.candidate
        candidate.onsetMs = 880
        #expect(BeepDetector.Output.candidate(Self.candidate).movingOnset(earlierByMs: 20) == .candidate(candidate))
    }

    @Test func theOnsetDoesNotMoveBeforeTheStream() {
        let moved = BeepDetector.Output.beep(Self.beep).movingOnset(earlierByMs: 5000)
        #expect(moved.beep?.onsetMs == 0)
        #expect(moved.beep?.detectedMs == 1000)
    }

    @Test func theAnswerOutputsCarryTheirValuesAndMoveOnlyTheSpeechOnset() {
        let decision = AnswerDecision(
            answeredBy: .human, decidedMs: 1800, confidence: 0.9, cause: .shortGreetingThenSilence, speechOnsetMs: 500)
        let end = MachineEnd(outcome: .silence, ms: 9000)
        let outputs: [BeepDetector.Output] = [.answer(decision), .machineEnd(end), .beep(Self.beep)]
        #expect(outputs.map(\.answer) == [decision, nil, nil])
        #expect(outputs.map(\.machineEnd) == [nil, end, nil])
        var moved = decision
        moved.speechOnsetMs = 480
        #expect(BeepDetector.Output.answer(decision).movingOnset(earlierByMs: 20) == .answer(moved))
        #expect(BeepDetector.Output.machineEnd(end).movingOnset(earlierByMs: 20) == .machineEnd(end))
        var unheard = decision
        unheard.speechOnsetMs = nil
        #expect(BeepDetector.Output.answer(unheard).movingOnset(earlierByMs: 20) == .answer(unheard))
    }
}
