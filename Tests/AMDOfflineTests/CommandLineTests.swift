import AMDCore
import AMDOffline
import AudioFile
import Foundation
import Testing

/// The `amd-edge` binary of this build, if it was built: next to the test bundle, next to the test runner, or in
/// the package's `.build/debug`.
let amdEdgeExecutable: URL? = {
    let candidates = [
        Bundle.module.bundleURL.deletingLastPathComponent(),
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent(),
        repositoryRoot.appendingPathComponent(".build/debug"),
    ].map { $0.appendingPathComponent("amd-edge") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

/// The built `amd-edge` executable, run as a user would: `detect`, `eval` and `train`.
///
/// The executable sits next to the test bundle in the build folder (`swift build --build-tests` builds both).
@Suite(.enabled(if: amdEdgeExecutable != nil, "amd-edge is not built next to the tests: run `swift build`"))
struct CommandLineTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `amd-edge arguments…`, its output captured in files inside `folder` (no pipe can fill up).
    private func run(_ arguments: [String], in folder: String) throws -> Result {
        let executable: URL = try #require(amdEdgeExecutable, "amd-edge is not built")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let outPath = folder + "/stdout-\(UUID().uuidString)"
        let errPath = folder + "/stderr-\(UUID().uuidString)"
        try #require(FileManager.default.createFile(atPath: outPath, contents: nil))
        try #require(FileManager.default.createFile(atPath: errPath, contents: nil))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
        )
    }

    private let beepKeys = ["file", "event", "onset_ms", "detected_ms", "frequency_hz", "confidence"]
    private let endKeys = ["file", "event", "duration_ms"]
    private let answerKeys = ["file", "event", "answered_by", "decided_ms", "confidence", "cause"]

    // MARK: version

    @Test func versionIsTheOneThePackageScriptReads() throws {
        // scripts/package.sh names the .deb after the quoted string on this line; the binary must say the same.
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Sources/AMDServer/AMDEdgeVersion.swift"), encoding: .utf8
        )
        let line = try #require(source.split(separator: "\n").first { $0.contains("package static let current = ") })
        let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
        try #require(quoted.count == 3, "unexpected line: \(line)")
        try withTemporaryFolder { folder in
            let result = try run(["--version"], in: folder)
            #expect(result.status == 0)
            #expect(result.stdout == "\(quoted[1])\n")
            #expect(result.stdout.first?.isNumber == true, "Debian versions start with a digit")
        }
    }

    // MARK: detect

    @Test func detectPrintsTheBeepAndTheEnd() throws {
        try withTemporaryFolder { folder in
            let result = try run(["detect", samplePath], in: folder)
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
            // The answer decision, the beep, the greeting's end through the beep, and the file's end.
            try #require(result.lines.count == 4, "stdout: \(result.stdout)")
            #expect(result.stdout.hasSuffix("}\n"))
            #expect(keys(ofJSONLine: result.lines[0]) == answerKeys)
            #expect(keys(ofJSONLine: result.lines[1]) == beepKeys)
            #expect(keys(ofJSONLine: result.lines[2]) == ["file", "event", "outcome", "ms"])
            #expect(keys(ofJSONLine: result.lines[3]) == endKeys)

            let answer = try object(result.lines[0])
            #expect(answer["event"] as? String == "answer")
            #expect(answer["answered_by"] as? String == "machine")
            #expect(answer["cause"] as? String == "long_greeting")
            let beep = try object(result.lines[1])
            #expect(beep["file"] as? String == samplePath)
            #expect(beep["event"] as? String == "beep")
            let onset = try #require(beep["onset_ms"] as? Int)
            #expect(abs(onset - 9066) <= 40)
            let frequency = try #require(beep["frequency_hz"] as? Double)
            #expect(abs(frequency - 1000) <= 5)

            // Exactly what the library computes for the same file.
            let clip = try AudioClip(wav: try FileInput.read(samplePath))
            let events = try ClipDetector.run(clip, model: .default)
            let first = try #require(events.first)
            #expect(result.lines[1] == ClipDetector.line(file: samplePath, event: first))
            #expect(result.lines[3] == ClipDetector.endLine(file: samplePath, durationMs: clip.durationMs))
            let end = try object(result.lines[2])
            #expect(end["event"] as? String == "machine_end")
            #expect(end["outcome"] as? String == "beep")
            #expect(end["ms"] as? Int == beep["detected_ms"] as? Int)
        }
    }

    @Test func detectReportsBadFilesAndGoesOn() throws {
        try withTemporaryFolder { folder in
            let missing = folder + "/missing.wav"
            let notWAV = try write("hello, I am a text file", to: "notes.wav", in: folder)
            let result = try run(["detect", missing, notWAV, samplePath], in: folder)
            #expect(result.status == 1)
            try #require(result.errorLines.count == 2, "stderr: \(result.stderr)")
            #expect(result.errorLines[0].contains(missing))
            #expect(result.errorLines[0].contains("no such file"))
            #expect(result.errorLines[1].contains(notWAV))
            #expect(result.errorLines[1].contains("not a WAV file"))
            // The good file is still processed.
            try #require(result.lines.count == 4, "stdout: \(result.stdout)")
            #expect(
                try result.lines.map { try object($0)["event"] as? String } == ["answer", "beep", "machine_end", "end"])
            #expect(try object(result.lines[3])["file"] as? String == samplePath)
            #expect(!result.stdout.contains(missing))
        }
    }

    @Test func detectReadsRawMuLaw() throws {
        try withTemporaryFolder { folder in
            let clip = try AudioClip(wav: try FileInput.read(samplePath))
            #expect(clip.encoding == .muLaw)
            let raw = try write(clip.data, to: "greeting.ulaw", in: folder)
            let result = try run(["detect", "--format", "mulaw", "--rate", "8000", raw], in: folder)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            try #require(result.lines.count == 4, "stdout: \(result.stdout)")
            let beep = try object(result.lines[1])
            #expect(beep["file"] as? String == raw)
            let rawOnset = try #require(beep["onset_ms"] as? Int)
            #expect(abs(rawOnset - 9066) <= 40)
            let end = try object(result.lines[3])
            #expect(end["duration_ms"] as? Int == Int(clip.durationMs))
        }
    }

    @Test func detectRejectsAPartialRawSample() throws {
        try withTemporaryFolder { folder in
            let raw = try write([1, 2, 3], to: "odd.s16", in: folder)
            let result = try run(["detect", "--format", "s16le", "--rate", "8000", raw], in: folder)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.errorLines.count == 1)
            #expect(result.stderr.contains(raw))
            #expect(result.stderr.contains("not a whole number of 2-byte samples"))
        }
    }

    @Test(arguments: [(["--format", "flac"], "--format"), (["--format", "mulaw", "--rate", "12000"], "--rate")])
    func detectRejectsBadOptions(options: [String], named option: String) throws {
        try withTemporaryFolder { folder in
            let result = try run(["detect"] + options + [samplePath], in: folder)
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(option), "stderr: \(result.stderr)")
        }
    }

    // MARK: eval

    @Test func evalScoresATinyManifest() throws {
        try withTemporaryFolder { folder in
            try write(wavFile(Signal.silence(seconds: 3, rate: 8000), rate: 8000), to: "calls/silence.wav", in: folder)
            let manifest = try write(
                #"{"id":"beep","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":9.0,"beep_end_s":9.6,"beep_freqs_hz":[1000]}"#
                    + "\n" + #"{"id":"quiet","file":"calls/silence.wav","kind":"human"}"# + "\n",
                to: "manifest.jsonl", in: folder)

            let text = try run(["eval", "--manifest", manifest], in: folder)
            #expect(text.status == 0, "stderr: \(text.stderr)")
            #expect(text.stdout.contains("calls:              2 (1 with a beep, 1 without)"))
            #expect(text.stdout.contains("recall:             100.00%"))
            #expect(text.stdout.contains("false alarms:       0.00% of non-beep calls"))
            #expect(!text.stdout.contains("failed:"))

            let json = try run(["eval", "--manifest", manifest, "--json"], in: folder)
            #expect(json.status == 0)
            try #require(json.lines.count == 1, "stdout: \(json.stdout)")
            let summary = try object(json.lines[0])
            #expect(summary["recall"] as? Double == 1)
            #expect(summary["calls"] as? Int == 2)
            #expect(summary["false_alarm_rate"] as? Double == 0)
            #expect((summary["failures"] as? [Any])?.isEmpty == true)
            #expect(summary["latency_median_ms"] as? Double != nil)
        }
    }

    @Test func evalOnAMissingManifestFails() throws {
        try withTemporaryFolder { folder in
            let result = try run(["eval", "--manifest", folder + "/none.jsonl"], in: folder)
            #expect(result.status != 0)
            #expect(result.stderr.contains(folder + "/none.jsonl"))
        }
    }

    @Test func evalWritesTheReportWithAPictureOfEachWrongCall() throws {
        try withTemporaryFolder { folder in
            let manifest = try write(
                #"{"id":"alarm","file":"\#(samplePath)","kind":"human"}"# + "\n", to: "manifest.jsonl", in: folder)
            let result = try run(["eval", "--manifest", manifest, "--report", folder + "/report"], in: folder)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("false alarms:       100.00% of non-beep calls"))
            let page = try String(contentsOfFile: folder + "/report/index.html", encoding: .utf8)
            #expect(page.contains("href=\"calls/alarm.svg\""))
            #expect(FileManager.default.fileExists(atPath: folder + "/report/calls/alarm.svg"))
        }
    }

    // MARK: inspect

    @Test func inspectDrawsTheCall() throws {
        try withTemporaryFolder { folder in
            let result = try run(["inspect", samplePath, "--output", folder + "/call.svg"], in: folder)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let svg = try String(contentsOfFile: folder + "/call.svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("voicemail-beep.wav") && svg.contains("BEEP 1"))
        }
    }

    @Test func inspectNamesWhatIsWrongWithItsInput() throws {
        try withTemporaryFolder { folder in
            let missing = try run(["inspect", folder + "/none.wav", "--output", folder + "/call.svg"], in: folder)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("amd-edge inspect: \(folder)/none.wav: cannot read: no such file"))
            let stream = try run(
                ["inspect", samplePath, "--stream", "10.0.0.1:4000/00000001", "--output", folder + "/call.svg"],
                in: folder)
            #expect(stream.status == 1 && stream.stderr.contains("is not a pcap or pcapng capture"))
            let unwritable = try run(["inspect", samplePath, "--output", folder + "/no/such/dir/call.svg"], in: folder)
            #expect(unwritable.status == 1 && unwritable.stderr.contains("cannot write \(folder)/no/such/dir/call.svg"))
            #expect(!FileManager.default.fileExists(atPath: folder + "/call.svg"))
        }
    }

    // MARK: train

    @Test func trainUsesTheBaseModelsFeatureSpecification() throws {
        try withTemporaryFolder { folder in
            for (index, hz) in [700.0, 1000, 1400].enumerated() {
                try write(wavFile(Signal.tone(hz, seconds: 0.5)), to: "data/beep/\(index).wav", in: folder)
            }
            try write(wavFile(Signal.noise(seconds: 0.5)), to: "data/noise/0.wav", in: folder)
            try write(wavFile(Signal.buzz(seconds: 0.6)), to: "data/speech/0.wav", in: folder)
            // A base whose features differ from the shipped model's: its classifier cannot be kept, its
            // specification must be.
            var features = BeepModel.default.features
            features.contextFrames = 6
            features.statistics = ["mean"]
            let base = BeepModel(
                features: features,
                classifier: GaussianNB(
                    classes: ["beep", "other"], classPrior: [0.5, 0.5],
                    theta: [[Double]](repeating: [Double](repeating: 0, count: features.dimension), count: 2),
                    var: [[Double]](repeating: [Double](repeating: 1, count: features.dimension), count: 2),
                    epsilon: 1e-9, varSmoothing: 1e-9),
                tonalClasses: ["beep"],
                minTonalLogOdds: 0
            )
            try base.validate()
            let basePath = try write(Array(try base.jsonData()), to: "base.json", in: folder)
            let output = folder + "/model.json"

            let result = try run(
                [
                    "train", "--data", folder + "/data", "--output", output, "--tonal-classes", "beep", "--base",
                    basePath,
                ],
                in: folder)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("train: wrote \(output)"))
            let model = try FileInput.model(path: output)
            #expect(model.classifier.classes == ["beep", "noise", "speech"])
            #expect(model.features == features)
            #expect(model.classifier.featureCount == features.dimension)
            #expect(model.tonalClasses == ["beep"])
        }
    }

    @Test func trainWithoutDataFails() throws {
        try withTemporaryFolder { folder in
            let result = try run(["train", "--output", folder + "/m.json"], in: folder)
            #expect(result.status != 0)
            #expect(result.stderr.contains("--data or --list"))
            #expect(!FileManager.default.fileExists(atPath: folder + "/m.json"))
        }
    }
}
