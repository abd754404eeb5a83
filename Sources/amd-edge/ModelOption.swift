import AMDCore
import AMDOffline
import ArgumentParser

/// The `--model PATH` option shared by the commands that run the detector.
struct ModelOption: ParsableArguments {
    @Option(name: .long, help: "Model JSON written by `amd-edge train` (default: the shipped model).")
    var model: String?

    /// The model to use: the file given, or the shipped default, validated once here for every call the command
    /// runs.
    func load() throws -> ValidatedModel {
        guard let model else { return .default }
        let loaded: BeepModel
        do {
            loaded = try FileInput.model(path: model)
        } catch {
            throw ValidationError(error.description)
        }
        do {
            return try ValidatedModel(loaded)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
