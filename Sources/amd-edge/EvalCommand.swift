import AMDCore
import AMDOffline
import ArgumentParser
import FoundationEssentials

/// `amd-edge eval`: scores the detector on a labelled manifest.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score the detector on a labelled manifest (JSON Lines, as ../shared/corpus/dev/manifest.jsonl).",
        discussion: """
            On a machine_beep call the first beep decides: before the true onset = early false alarm; within \
            [onset, end + 2 s] = hit; later or none = miss. Any beep on another kind of call = false alarm. \
            Answer decisions are scored on human, machine_beep + machine_nobeep and fax calls: a confusion table, \
            the decision time after the first speech, and how machine_nobeep greetings ended.
            """
    )

    @OptionGroup var model: ModelOption

    @Option(help: "The manifest: one JSON object per call, with file paths relative to it.")
    var manifest: String

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    @Flag(help: "Also print one line per call that was not scored correct (beep, and answer decision).")
    var verbose = false

    @Option(help: "Also write every judged tone track, with its measurements and label, to this JSON Lines file.")
    var tracks: String?

    @Option(
        help: ArgumentHelp(
            "Also write a self-contained web page, DIR/index.html, with an inspect picture of every wrong call.",
            valueName: "DIR"))
    var report: String?

    func run() throws {
        let model = try model.load()
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation.run(manifest: manifest, model: model)
        } catch {
            StandardError.write("amd-edge eval: \(error.description)\n")
            throw ExitCode(1)
        }
        if verbose {
            for result in evaluation.results where result.outcome != .hit && result.outcome != .correctReject {
                let first = result.first.map {
                    "first beep at \($0.detectedMs) ms (onset \($0.onsetMs)), \($0.frequencyHz) Hz"
                }
                print("\(result.outcome.rawValue) \(result.entry.file) [\(result.entry.kind)] \(first ?? "no beep")")
            }
            for result in evaluation.results where Evaluation.answerIsWrong(result) {
                let answer = result.answer.map {
                    "\($0.answeredBy.rawValue) (\($0.cause.rawValue)) at \($0.decidedMs) ms, "
                        + "speech from \($0.speechOnsetMs.map { "\($0) ms" } ?? "none")"
                }
                print("wrong_answer \(result.entry.file) [\(result.entry.kind)] \(answer ?? "no decision")")
            }
        }
        if let tracks {
            let text = evaluation.trackLines.map { $0 + "\n" }.joined()
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: tracks))
            } catch {
                StandardError.write("amd-edge eval: cannot write \(tracks): \(error)\n")
                throw ExitCode(1)
            }
        }
        if let report {
            do {
                try evaluation.writeHTMLReport(folder: report, manifest: manifest, model: model)
            } catch {
                StandardError.write("amd-edge eval: \(error.description)\n")
                throw ExitCode(1)
            }
        }
        print(json ? evaluation.json : evaluation.report)
    }
}
