/// The values one source gave an option, with the checks the options share; every failure names the key.
package struct ServerOptionValue: Sendable {
    /// The option's key.
    package let key: String
    /// The values as text, in order: one for a single-valued option, any number for a repeatable one.
    package let texts: [String]

    /// A failure of this option's value; the source is filled in by whoever knows it (``ConfigError/from(_:)``).
    func fail(_ message: String) -> ConfigError {
        .invalidValue(key: key, origin: "", message: message)
    }

    /// The one value of a single-valued option. An environment value split at its commas is put back together.
    func single() throws(ConfigError) -> String {
        guard !texts.isEmpty else { throw fail("expected one value") }
        return texts.joined(separator: ",")
    }

    /// An integer within `range`.
    func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try single()
        guard let value = Int(text), range.contains(value) else {
            throw fail("expected an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// A duration (``ServerConfiguration/parseDuration(_:)``).
    func duration() throws(ConfigError) -> Duration {
        let text = try single()
        guard let value = ServerConfiguration.parseDuration(text) else {
            throw fail("expected a duration (seconds, or a number with ms, s, m or h), got \"\(text)\"")
        }
        return value
    }

    /// A duration of at least `minimum`.
    func duration(atLeast minimum: Duration) throws(ConfigError) -> Duration {
        let value = try duration()
        guard value >= minimum else {
            throw fail("expected at least \(minimum.wholeMilliseconds) ms, got \"\(try single())\"")
        }
        return value
    }

    /// Every value parsed by `parse`; the first that does not parse fails with `expected` and the value.
    func each<Value>(expected: String, _ parse: (String) -> Value?) throws(ConfigError) -> [Value] {
        var values: [Value] = []
        for text in texts {
            guard let value = parse(text) else { throw fail("expected \(expected), got \"\(text)\"") }
            values.append(value)
        }
        return values
    }
}
