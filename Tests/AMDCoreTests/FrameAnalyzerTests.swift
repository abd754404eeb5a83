import AMDCore
import Testing

/// ``FrameAnalyzer``: framing, the VAD gate in front of the FFT, the tone analysis of each frame, the long-window
/// close-pair check and the MFCC context statistics.
struct FrameAnalyzerTests {
    static let specification = BeepModel.default.features

    static func analyzer() throws -> FrameAnalyzer {
        try FrameAnalyzer(specification: specification, thresholds: BeepModel.default.detector.tone)
    }

    /// What the analyser reported for one completed frame.
    struct Frame {
        var index: Int64
        var voiced: Bool
        var analysed: Bool
        var tone: ToneFrame
    }

    /// Feeds `signal` (fractions of full scale) in chunks of `chunk` samples; returns every completed frame.
    static func feed(_ signal: [Double], into analyzer: inout FrameAnalyzer, chunk: Int = 320) -> [Frame] {
        var completed: [Frame] = []
        let samples = Synth.int16(signal)
        samples.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + chunk)
                let piece = UnsafeBufferPointer(rebasing: all[offset..<end])
                var index = 0
                while index < piece.count {
                    let (next, done) = analyzer.push(piece, from: index)
                    index = next
                    if done {
                        completed.append(
                            Frame(
                                index: analyzer.frameIndex, voiced: analyzer.voiced, analysed: analyzer.analysed,
                                tone: analyzer.tone))
                    }
                }
                offset = end
            }
        }
        return completed
    }

    @Test(arguments: [1, 37, 160, 320, 1000])
    func aFrameCompletesEveryHopWhateverTheChunks(chunk: Int) throws {
        var analyzer = try Self.analyzer()
        var synth = Synth(seed: 1)
        let frames = Self.feed(synth.noise(1.0, level: 0.01), into: &analyzer, chunk: chunk)
        let hop = Self.specification.mfcc.hopLength
        #expect(frames.count == 16_000 / hop)
        #expect(frames.map(\.index) == Array(1...Int64(16_000 / hop)))
    }

    @Test func pushingOneSampleAtATimeCompletesTheSameFrames() throws {
        var analyzer = try Self.analyzer()
        let hop = Self.specification.mfcc.hopLength
        var completions: [Int] = []
        for n in 0..<(3 * hop) where analyzer.push(Int16(n % 100)) { completions.append(n) }
        #expect(completions == [hop - 1, 2 * hop - 1, 3 * hop - 1])
    }

    @Test func aSineIsTonalAtItsFrequency() throws {
        var analyzer = try Self.analyzer()
        let synth = Synth(seed: 2)
        let frames = Self.feed(synth.silence(0.2) + synth.tone([1000], seconds: 0.5), into: &analyzer)
        // Frames whose window lies wholly inside the tone.
        let inside = frames.suffix(20)
        #expect(inside.allSatisfy { $0.analysed && $0.voiced && $0.tone.isTonal })
        for frame in inside { #expect(abs(frame.tone.frequencyHz - 1000) < 5, "\(frame.tone.frequencyHz) Hz") }
        #expect(inside.allSatisfy { $0.tone.purity > 0.9 })
    }

    @Test func silenceSkipsTheAnalysisUnlessHeldOpen() throws {
        var analyzer = try Self.analyzer()
        let synth = Synth(seed: 3)
        let quiet = Self.feed(synth.silence(1.0), into: &analyzer)
        let last = try #require(quiet.last)
        #expect(!last.voiced && !last.analysed)
        #expect(last.tone == ToneFrame())
        analyzer.holdOpen = true
        let held = Self.feed(synth.silence(0.1), into: &analyzer)
        #expect(held.allSatisfy { $0.analysed && !$0.tone.isTonal })
    }

    @Test func twoCloseTonesAreFoundAsAPairAndOneToneIsNot() throws {
        let synth = Synth(seed: 4)
        var ringback = try Self.analyzer()
        _ = Self.feed(synth.tone([440, 480], seconds: 0.3), into: &ringback)
        let pair = ringback.closeTonePair(aroundHz: 460, samples: 2048)
        let distance = try #require(pair)
        #expect(abs(distance - 40) <= 8, "\(distance) Hz")
        var beep = try Self.analyzer()
        _ = Self.feed(synth.tone([1000], seconds: 0.3), into: &beep)
        let none = beep.closeTonePair(aroundHz: 1000, samples: 2048)
        #expect(none == nil)
    }

    @Test func theContextHoldsTheLastAnalysedFramesUntilCleared() throws {
        var analyzer = try Self.analyzer()
        let synth = Synth(seed: 5)
        _ = Self.feed(synth.tone([700], seconds: 0.3), into: &analyzer)
        #expect(analyzer.contextCount == Self.specification.contextFrames)
        analyzer.clearContext()
        #expect(analyzer.contextCount == 0)
        _ = Self.feed(synth.tone([700], seconds: 0.01), into: &analyzer, chunk: Self.specification.mfcc.hopLength)
        #expect(analyzer.contextCount == 1)
        // One frame: each mean is its coefficient, each standard deviation 0.
        var features = [Double](repeating: .nan, count: Self.specification.dimension)
        features.withUnsafeMutableBufferPointer { analyzer.contextFeatures(into: $0) }
        let n = Self.specification.mfcc.nMFCC
        for (s, name) in Self.specification.statistics.enumerated() {
            let values = features[(s * n)..<((s + 1) * n)]
            #expect(values.allSatisfy { $0.isFinite })
            if name == "std" { #expect(values.allSatisfy { $0 == 0 }) }
            if name == "mean" { #expect(values.contains { $0 != 0 }) }
        }
    }

    @Test func aHopOfAFractionalMillisecondIsRejected() {
        var specification = Self.specification
        specification.mfcc.hopLength = 161
        let expected = ModelError.invalidField(
            field: "features.hop_length", reason: "must be a whole number of milliseconds")
        #expect(throws: expected) {
            _ = try FrameAnalyzer(specification: specification, thresholds: BeepModel.default.detector.tone)
        }
    }
}
