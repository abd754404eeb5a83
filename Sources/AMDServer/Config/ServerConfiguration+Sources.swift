import Configuration
package import FoundationEssentials

extension ServerConfiguration {
    /// The prefix of every option's environment variable (`AMD_EDGE_MAX_CALLS`).
    package static let environmentPrefix = "AMD_EDGE_"
    /// The flag that names the JSON config file; `AMD_EDGE_CONFIG` names it when the flag is absent.
    package static let configFileKey = "config"
    /// The key component the environment provider puts before every key, which it encodes as `AMD_EDGE_`.
    static let environmentKeyPrefix = "amd-edge"
    /// The in-memory provider of the command-line flags.
    static let flagsProviderName = "flags"

    /// Builds the configuration of `amd-edge run` from its arguments, the environment and the config file they
    /// name, in that order of precedence: a flag beats `AMD_EDGE_<KEY>`, which beats the file's key, which beats the
    /// default.
    ///
    /// swift-configuration reads the three: the flags and the file (decoded with ``JSONValue``, since the library's
    /// JSON provider needs Foundation, which the daemon does not link) as in-memory providers, the environment with
    /// its `EnvironmentVariablesProvider` under the `AMD_EDGE_` prefix. Errors name the key and where its value came
    /// from (`flag --max-calls`, `environment AMD_EDGE_MAX_CALLS`, `config file /etc/amd-edge.json`).
    /// - Parameters:
    ///   - arguments: the arguments after `run`: `--KEY VALUE` or `--KEY=VALUE`, and `--config PATH`.
    ///   - environment: the process environment.
    ///   - readFile: reads the config file (a test passes the bytes).
    /// - Throws: ``ConfigError``.
    package static func load(
        arguments: [String], environment: [String: String],
        readFile: (String) throws -> Data = { try RegularFile.read($0, maxBytes: RegularFile.maxConfigBytes) }
    ) throws(ConfigError) -> ServerConfiguration {
        let flags = try flagValues(arguments)
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: flagsProviderName, values: inMemoryValues(flags.values)),
            // An empty variable counts as unset, as `AMD_EDGE_API_TOKEN=` always did.
            KeyMappingProvider(
                upstream: EnvironmentVariablesProvider(environmentVariables: environment.filter { !$0.value.isEmpty })
            ) { key in
                AbsoluteConfigKey([environmentKeyPrefix] + key.components, context: key.context)
            },
        ]
        if let path = flags.configPath ?? environment[environmentPrefix + configFileKey.uppercased()] {
            let data: Data
            do {
                data = try readFile(path)
            } catch {
                throw .unreadableFile(path: path, reason: "cannot be read (\(error.fileReadReason))")
            }
            let values = try fileValues(data, path: path)
            providers.append(InMemoryProvider(name: fileOrigin(path), values: inMemoryValues(values)))
        }
        let origins = ConfigOriginRecorder()
        do throws(ConfigError) {
            return try ServerConfiguration(reader: ConfigReader(providers: providers, accessReporter: origins))
        } catch {
            guard case .invalidValue(let key, _, let message) = error else { throw error }
            throw .invalidValue(key: key, origin: origins.origin(of: key) ?? "default", message: message)
        }
    }

    /// How errors name the config file at `path`.
    static func fileOrigin(_ path: String) -> String { "config file \(path)" }

    /// The flags' values by key, and the config file's path: `--KEY VALUE` or `--KEY=VALUE`; a repeatable option's
    /// flag adds a value each time, a single-valued one keeps its last.
    static func flagValues(
        _ arguments: [String]
    ) throws(ConfigError) -> (values: [String: [String]], configPath: String?) {
        var values: [String: [String]] = [:]
        var configPath: String?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else { throw .unexpectedArgument(argument) }
            let flag = argument.dropFirst(2)
            let key: String
            let value: String
            if let equals = flag.firstIndex(of: "=") {
                key = String(flag[..<equals])
                value = String(flag[flag.index(after: equals)...])
            } else {
                key = String(flag)
                guard index < arguments.endIndex, !arguments[index].hasPrefix("--") else {
                    throw .invalidValue(key: key, origin: "flag --\(key)", message: "expected a value")
                }
                value = arguments[index]
                index += 1
            }
            if key == configFileKey {
                configPath = value
                continue
            }
            guard let option = option(key) else { throw .unknownFlag("--\(key)") }
            values[key] = option.isRepeatable ? (values[key] ?? []) + [value] : [value]
        }
        return (values, configPath)
    }

    /// Values by key as an in-memory provider holds them: every value an array of strings, read as such.
    private static func inMemoryValues(_ values: [String: [String]]) -> [AbsoluteConfigKey: ConfigValue] {
        var result: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, texts) in values {
            let isSecret = option(key)?.isSecret ?? false
            result[AbsoluteConfigKey([key])] = ConfigValue(.stringArray(texts), isSecret: isSecret)
        }
        return result
    }

    /// The config file's values by key, as text: a scalar is one value, an array of scalars several.
    /// - Throws: ``ConfigError/unreadableFile(path:reason:)`` when it is not a JSON object,
    ///   ``ConfigError/unknownKey(path:key:)`` for a key no option has,
    ///   ``ConfigError/invalidValue(key:origin:message:)`` for null, an object, or an array holding either.
    static func fileValues(_ data: Data, path: String) throws(ConfigError) -> [String: [String]] {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw .unreadableFile(path: path, reason: "not a JSON object (\(error))")
        }
        var result: [String: [String]] = [:]
        for (key, value) in object {
            guard option(key) != nil else { throw .unknownKey(path: path, key: key) }
            switch value {
            case .array(let items):
                let texts = items.compactMap(\.scalarText)
                guard texts.count == items.count else {
                    throw .invalidValue(key: key, origin: fileOrigin(path), message: "expected strings or numbers")
                }
                result[key] = texts
            default:
                guard let text = value.scalarText else {
                    throw .invalidValue(key: key, origin: fileOrigin(path), message: "expected a string or a number")
                }
                result[key] = [text]
            }
        }
        return result
    }
}
