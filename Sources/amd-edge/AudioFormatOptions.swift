import AMDOffline
import ArgumentParser
import AudioFile

/// The `--format` and `--rate` options of the commands that read audio files (`detect`, `inspect`).
struct AudioFormatOptions: ParsableArguments {
    @Option(help: "Input format: \(FileFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: String = "auto"

    @Option(help: "Sample rate of raw input, in Hz.")
    var rate: Int?

    /// The format asked for (validated, so never `nil` once parsed).
    var fileFormat: FileFormat { FileFormat(rawValue: format) ?? .auto }

    func validate() throws {
        guard FileFormat(rawValue: format) != nil else {
            let formats = FileFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--format must be one of \(formats)")
        }
        if let rate, !AudioClip.supportedRates.contains(rate) {
            throw ValidationError("--rate must be one of \(AudioClip.supportedRates.sorted())")
        }
    }
}
