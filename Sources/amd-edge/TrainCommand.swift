import AMDCore
import AMDOffline
import ArgumentParser
import FoundationEssentials

/// `amd-edge train`: fits the beep classifier on labelled audio and writes a model JSON.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from labelled audio (a folder per label, or a CSV/JSONL list of file,label)."
    )

    @Option(help: "A folder holding one subfolder of WAV files per label.")
    var data: String?

    @Option(help: "A CSV (header with file,label) or JSON Lines list of labelled files.")
    var list: String?

    @Option(help: "Where to write the model JSON (Models/default-model.json to ship it: the next build embeds it).")
    var output: String

    @Option(help: "Comma-separated classes that count as tones.")
    var tonalClasses: String = "beep,tone"

    @Option(
        help: "Classifier threshold: least log-odds of the tonal classes (default: let 99.5% of training beeps pass).")
    var minTonalLogOdds: Double?

    @Option(
        help:
            "Take the feature specification from this model (default: the shipped one); the detector settings are always this build's."
    )
    var base: String?

    func validate() throws {
        guard (data == nil) != (list == nil) else { throw ValidationError("give exactly one of --data or --list") }
    }

    func run() throws {
        let base = try ModelOption.parse(self.base.map { ["--model", $0] } ?? []).load().model
        do {
            let items = try data.map { try Trainer.items(inFolder: $0) } ?? Trainer.items(inList: list ?? "")
            guard !items.isEmpty else { throw ValidationError("no labelled WAV files found") }
            let trainer = Trainer(
                specification: base.features,
                tonalClasses: tonalClasses.split(separator: ",").map(String.init)
            )
            let command = (["amd-edge"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            var model = try trainer.train(items, command: command) { line in
                StandardError.write("train: \(line)\n")
            }
            model.detector = BeepDetector.Configuration()
            if let minTonalLogOdds { model.minTonalLogOdds = minTonalLogOdds }
            try model.jsonData().write(to: URL(fileURLWithPath: output))
            StandardError.write("train: wrote \(output)\n")
        } catch let error as OfflineError {
            throw ValidationError(error.description)
        }
    }
}
