import AMDCore
import AudioFile
import Foundation
import Testing

@testable import AMDOffline

/// `Trainer`: labelled-item lists, feature vectors as the detector sees them, and a whole training run.
struct TrainerTests {
    private let specification = BeepModel.default.features

    private func clip(_ samples: [Int16], rate: Int = 16000) throws -> AudioClip {
        try AudioClip(wav: wavFile(samples, rate: rate))
    }

    private func listError(_ path: String) -> (line: Int, reason: String)? {
        do {
            _ = try Trainer.items(inList: path)
            return nil
        } catch {
            guard case .badManifest(_, let line, let reason) = error else { return nil }
            return (line, reason)
        }
    }

    // MARK: items

    @Test func folderPerLabel() throws {
        try withTemporaryFolder { folder in
            let wav = wavFile(Signal.silence(seconds: 0.01))
            try write(wav, to: "speech/b.wav", in: folder)
            try write(wav, to: "speech/a.WAV", in: folder)
            try write("notes", to: "speech/readme.txt", in: folder)
            try write(wav, to: "beep/one.wav", in: folder)
            try write(wav, to: "stray.wav", in: folder)  // not in a label folder: ignored
            try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
            let items = try Trainer.items(inFolder: folder)
            #expect(
                items == [
                    Trainer.Item(path: folder + "/beep/one.wav", label: "beep"),
                    Trainer.Item(path: folder + "/speech/a.WAV", label: "speech"),
                    Trainer.Item(path: folder + "/speech/b.wav", label: "speech"),
                ])
        }
    }

    @Test func missingFolderIsUnreadable() {
        #expect {
            try Trainer.items(inFolder: "/nonexistent/amd-edge-train")
        } throws: { error in
            guard case OfflineError.unreadable(let path, _) = error else { return false }
            return path == "/nonexistent/amd-edge-train"
        }
    }

    @Test func csvWithCRLFLineEndings() throws {
        try withTemporaryFolder { folder in
            let path = try write(
                "file,label\r\nclips/a.wav,beep\r\n/abs/b.wav,speech\r\n\r\nc.wav,noise\r\n", to: "labels.csv",
                in: folder)
            let items = try Trainer.items(inList: path)
            #expect(
                items == [
                    Trainer.Item(path: folder + "/clips/a.wav", label: "beep"),
                    Trainer.Item(path: "/abs/b.wav", label: "speech"),
                    Trainer.Item(path: folder + "/c.wav", label: "noise"),
                ])
        }
    }

    @Test func csvColumnsAreFoundByTheirHeader() throws {
        try withTemporaryFolder { folder in
            let path = try write("label,split,file\ntone,train,t.wav\nmusic,test,m.wav\n", to: "labels.csv", in: folder)
            let items = try Trainer.items(inList: path)
            #expect(items.map(\.label) == ["tone", "music"])
            #expect(items.map(\.path) == [folder + "/t.wav", folder + "/m.wav"])
        }
    }

    @Test func jsonLinesList() throws {
        try withTemporaryFolder { folder in
            let text = #"""
                {"file": "x/a.wav", "label": "beep", "extra": 1}

                {"file": "/abs/b.wav", "label": "voice"}
                """#
            let items = try Trainer.items(inList: try write(text, to: "labels.jsonl", in: folder))
            #expect(
                items == [
                    Trainer.Item(path: folder + "/x/a.wav", label: "beep"),
                    Trainer.Item(path: "/abs/b.wav", label: "voice"),
                ])
        }
    }

    @Test func jsonLinesRecognisedByContentToo() throws {
        try withTemporaryFolder { folder in
            let items = try Trainer.items(
                inList: try write(#"{"file": "a.wav", "label": "beep"}"# + "\n", to: "labels.txt", in: folder))
            #expect(items.map(\.label) == ["beep"])
        }
    }

    @Test func jsonLinesBadLineIsNamed() throws {
        try withTemporaryFolder { folder in
            let text = #"{"file": "a.wav", "label": "beep"}"# + "\n" + #"{"file": "b.wav"}"# + "\n"
            let fault = try #require(listError(try write(text, to: "labels.jsonl", in: folder)))
            #expect(fault.line == 2)
        }
    }

    @Test(arguments: ["path,class\na.wav,beep\n", "file\na.wav\n", "", "a.wav,beep\n"])
    func csvWithoutFileAndLabelHeaderIsRejected(text: String) throws {
        try withTemporaryFolder { folder in
            let fault = try #require(listError(try write(text, to: "labels.csv", in: folder)))
            #expect(fault.line == 1)
            #expect(fault.reason.contains("'file' and 'label'"))
        }
    }

    @Test func csvShortRowIsNamed() throws {
        try withTemporaryFolder { folder in
            let fault = try #require(listError(try write("file,label\na.wav,beep\nb.wav\n", to: "l.csv", in: folder)))
            #expect(fault.line == 3)
            #expect(fault.reason.contains("2 columns"))
        }
    }

    // MARK: vectors

    @Test func toneGivesVectorsOfTheSpecificationsDimension() throws {
        let trainer = Trainer(specification: specification, tonalClasses: ["beep", "tone"])
        let vectors = try trainer.vectors(for: try clip(Signal.tone(1000, seconds: 1)), label: "beep")
        // About (100 frames − context) / stride windows; the first few may not yet be tonal.
        #expect(vectors.count > 20)
        #expect(vectors.count <= 100 / trainer.stride)
        #expect(vectors.allSatisfy { $0.count == specification.dimension })
        #expect(vectors.allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(specification.dimension == specification.mfcc.nMFCC * specification.statistics.count)
    }

    @Test func eightKilohertzClipIsResampled() throws {
        let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
        let at8k = try trainer.vectors(
            for: try clip(Signal.tone(1000, seconds: 1, rate: 8000), rate: 8000), label: "beep")
        let at16k = try trainer.vectors(for: try clip(Signal.tone(1000, seconds: 1)), label: "beep")
        #expect(abs(at8k.count - at16k.count) <= 3)
        #expect(at8k.first?.count == specification.dimension)
    }

    @Test func tonalClassKeepsOnlyAllTonalWindows() throws {
        let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
        let noise = try clip(Signal.noise(seconds: 1))
        // Noise has no tonal window: nothing for a tonal class, every window for the noise class.
        #expect(try trainer.vectors(for: noise, label: "beep").isEmpty)
        let allWindows = try trainer.vectors(for: noise, label: "noise").count
        #expect(allWindows > 20)

        // Half tone, half noise: a tonal class gets the tone's windows only.
        let mixed = try clip(Signal.tone(1000, seconds: 0.5) + Signal.noise(seconds: 0.5))
        let tonal = try trainer.vectors(for: mixed, label: "beep").count
        let any = try trainer.vectors(for: mixed, label: "noise").count
        #expect(tonal > 5)
        #expect(tonal < any)
        #expect(tonal <= 50 / trainer.stride + 1)
    }

    @Test func speechClassKeepsVoicedWindowsButNotSilence() throws {
        let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
        let buzz = try clip(Signal.buzz(seconds: 1))
        let silence = try clip(Signal.silence(seconds: 1))
        #expect(try trainer.vectors(for: buzz, label: "speech").count > 5)
        #expect(try trainer.vectors(for: silence, label: "speech").isEmpty)
    }

    @Test func strideSpacesTheVectors() throws {
        var trainer = Trainer(specification: specification, tonalClasses: ["beep"])
        let noise = try clip(Signal.noise(seconds: 1))
        trainer.stride = 1
        let dense = try trainer.vectors(for: noise, label: "noise").count
        trainer.stride = 5
        let sparse = try trainer.vectors(for: noise, label: "noise").count
        #expect(abs(dense - 5 * sparse) <= 5)
    }

    // MARK: train

    @Test func trainsAModelThatValidatesAndRoundTrips() throws {
        try withTemporaryFolder { folder in
            var items: [Trainer.Item] = []
            for (index, hz) in [600.0, 1000, 1400].enumerated() {
                let path = try write(wavFile(Signal.tone(hz, seconds: 0.6)), to: "beep/\(index).wav", in: folder)
                items.append(Trainer.Item(path: path, label: "beep"))
            }
            for seed in 1...2 {
                let path = try write(
                    wavFile(Signal.noise(seconds: 0.6, seed: UInt64(seed))), to: "noise/\(seed).wav", in: folder)
                items.append(Trainer.Item(path: path, label: "noise"))
            }
            for (index, base) in [110.0, 180].enumerated() {
                let path = try write(
                    wavFile(Signal.buzz(seconds: 0.8, rate: 8000, baseHz: base), rate: 8000), to: "speech/\(index).wav",
                    in: folder)
                items.append(Trainer.Item(path: path, label: "speech"))
            }
            let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
            var log: [String] = []
            let model = try trainer.train(items, command: "amd-edge train --test") { log.append($0) }

            try model.validate()
            #expect(model.classifier.classes == ["beep", "noise", "speech"])
            #expect(model.tonalClasses == ["beep"])
            #expect(model.features == specification)
            #expect(model.classifier.featureCount == specification.dimension)
            #expect(model.minTonalLogOdds <= 0)
            #expect(model.minTonalLogOdds.isFinite)
            #expect(model.training?["command"] == "amd-edge train --test")
            #expect(model.training?["clips"] == "7")
            #expect(log.contains { $0.hasPrefix("vectors per class") })
            #expect(log.contains { $0.hasPrefix("tonal log-odds that lets") })

            let decoded = try BeepModel(json: try model.jsonData())
            #expect(decoded == model)

            // The model classifies its own training material: a tone is a beep, noise is not.
            let tone = try trainer.vectors(for: try clip(Signal.tone(1000, seconds: 0.6)), label: "beep")
            let toneVector = try #require(tone.last)
            #expect(model.classifier.classes[argmax(model.classifier.predictLogProba(toneVector))] == "beep")
        }
    }

    @Test func trainingWithoutTheTonalClassFails() throws {
        try withTemporaryFolder { folder in
            let path = try write(wavFile(Signal.noise(seconds: 0.5)), to: "noise/a.wav", in: folder)
            let speech = try write(wavFile(Signal.buzz(seconds: 0.5)), to: "speech/a.wav", in: folder)
            let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
            #expect {
                try trainer.train(
                    [.init(path: path, label: "noise"), .init(path: speech, label: "speech")], command: "")
            } throws: { error in
                guard case OfflineError.badModel(_, .invalidTrainingData(let message)) = error else { return false }
                return message.contains("'beep'")
            }
        }
    }

    @Test func trainingOnAnUnreadableClipNamesIt() throws {
        try withTemporaryFolder { folder in
            let path = try write("RIFF but not really", to: "beep/bad.wav", in: folder)
            let trainer = Trainer(specification: specification, tonalClasses: ["beep"])
            #expect {
                try trainer.train([.init(path: path, label: "beep")], command: "")
            } throws: { error in
                guard case OfflineError.badAudio(let failed, _) = error else { return false }
                return failed == path
            }
        }
    }

    private func argmax(_ values: [Double]) -> Int {
        values.indices.max { values[$0] < values[$1] } ?? 0
    }
}
