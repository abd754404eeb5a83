/// One option of `amd-edge run`, declared once: its key, documentation, default and how a value is checked and
/// applied.
///
/// The key is the flag's name (`--max-calls`), the config file's key (`"max-calls"`) and, upper-cased with `_` for
/// `-` behind `AMD_EDGE_`, the environment variable (`AMD_EDGE_MAX_CALLS`). ``ServerConfiguration/options`` lists
/// them all; the `run` command's help, the config file's checks and ``ServerConfiguration/init(reader:)`` all read
/// that one table.
package struct ServerOption: Sendable {
    /// The key, lower-case words joined by `-`.
    package let key: String
    /// What a value looks like, for the help (`HOST:PORT`, `DURATION`).
    package let valueName: String
    /// What the option does, one sentence.
    package let help: String
    /// The default as one would write it (`"5s"`), or `nil` when unset by default; the help shows it, and a test
    /// checks that applying it gives ``ServerConfiguration``'s own default.
    package let defaultText: String?
    /// Whether the option takes several values: a repeated flag, a JSON array, a comma-separated environment value.
    package let isRepeatable: Bool
    /// Whether the value is a secret, kept out of logs and access reports.
    package let isSecret: Bool
    /// Checks the option's values and sets them in a configuration.
    let apply: @Sendable (inout ServerConfiguration, ServerOptionValue) throws(ConfigError) -> Void

    /// Declares an option.
    init(
        _ key: String, _ valueName: String, _ help: String, default defaultText: String? = nil,
        repeatable isRepeatable: Bool = false, secret isSecret: Bool = false,
        apply: @escaping @Sendable (inout ServerConfiguration, ServerOptionValue) throws(ConfigError) -> Void
    ) {
        self.key = key
        self.valueName = valueName
        self.help = help
        self.defaultText = defaultText
        self.isRepeatable = isRepeatable
        self.isSecret = isSecret
        self.apply = apply
    }

    /// The environment variable that sets the option: `AMD_EDGE_` and the key upper-cased, `-` as `_`.
    package var environmentVariable: String {
        ServerConfiguration.environmentPrefix + key.uppercased().replacing("-", with: "_")
    }

    /// The option's line in `amd-edge run --help`.
    package var helpLine: String {
        var line = "--\(key) \(valueName): \(help)"
        if let defaultText { line += " Default \(defaultText)." }
        if isRepeatable { line += " Repeatable." }
        return line
    }
}
