import Testing

@testable import AMDCore

/// ``WindowClassifier``: the kind of a context window, and the tonal log-odds of a track's frames.
struct WindowClassifierTests {
    /// A front end that has analysed `signal` (fractions of full scale at 16 kHz).
    static func frames(after signal: [Double], model: BeepModel = .default) throws -> FrameAnalyzer {
        var analyzer = try FrameAnalyzer(specification: model.features, thresholds: model.detector.tone)
        let samples = Synth.int16(signal)
        samples.withUnsafeBufferPointer { all in
            var index = 0
            while index < all.count { index = analyzer.push(all, from: index).next }
        }
        return analyzer
    }

    /// The default model with every class's prior near zero but `favoured`'s.
    static func model(favouring favoured: String) throws -> BeepModel {
        var model = BeepModel.default
        let classes = model.classifier.classes
        let index = try #require(classes.firstIndex(of: favoured))
        for other in classes.indices where other != index { model.classifier.classPrior[other] = 1e-300 }
        model.classifier.classPrior[index] = 1
        return model
    }

    @Test func aSteadyToneLooksTonalAndNoiseDoesNot() throws {
        let synth = Synth(seed: 1)
        var classifier = WindowClassifier(model: .default)
        let tone = try Self.frames(after: synth.silence(0.1) + synth.tone([1000], seconds: 0.3))
        #expect(classifier.tonalLogOdds(of: tone) > 0)
        var noiseSynth = Synth(seed: 2)
        let noise = try Self.frames(after: noiseSynth.noise(0.4, level: 0.05))
        #expect(classifier.tonalLogOdds(of: noise) < 0)
    }

    @Test(arguments: [("speech", WindowClassifier.Kind.speech), ("music", .music), ("noise", .other)])
    func theMostLikelyClassNamesTheKind(favoured: String, kind: WindowClassifier.Kind) throws {
        let model = try Self.model(favouring: favoured)
        var classifier = WindowClassifier(model: model)
        #expect(classifier.hasSpeechClass)
        var synth = Synth(seed: 3)
        let frames = try Self.frames(after: synth.noise(0.3, level: 0.02), model: model)
        #expect(classifier.kind(of: frames) == kind)
    }

    @Test func aModelWithoutASpeechClassNeverHearsSpeech() throws {
        var model = try Self.model(favouring: "speech")
        let index = try #require(model.classifier.classes.firstIndex(of: "speech"))
        model.classifier.classes[index] = "talk"
        var classifier = WindowClassifier(model: model)
        #expect(!classifier.hasSpeechClass)
        var synth = Synth(seed: 3)
        let frames = try Self.frames(after: synth.noise(0.3, level: 0.02), model: model)
        #expect(classifier.kind(of: frames) == .other)
    }
}
