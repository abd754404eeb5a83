import FoundationEssentials

extension BeepModel {
    /// The shipped model (`Models/default-model.json`, embedded at build time by the `EmbedModel` build-tool
    /// plugin as the generated `defaultJSON`).
    ///
    /// Decoded once, on first use. It is compiled in rather than read from outside, and a unit test decodes it, so
    /// the failure branch cannot be reached by any input.
    public static let `default`: BeepModel = {
        do {
            return try BeepModel(json: Data(defaultJSON.utf8))
        } catch {
            preconditionFailure("the embedded default model is invalid: \(error)")
        }
    }()
}
