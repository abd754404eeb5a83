/// Why the configuration could not be built; every message names the key (or flag) and the fault.
package enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The config file could not be read or is not a JSON object.
    case unreadableFile(path: String, reason: String)
    /// The config file has a key no option has.
    case unknownKey(path: String, key: String)
    /// A flag no option has (`--max_calls`).
    case unknownFlag(String)
    /// An argument that is not a flag, where a flag was expected.
    case unexpectedArgument(String)
    /// A value is malformed or out of range; `origin` says where it came from (`flag --max-calls`,
    /// `environment AMD_EDGE_MAX_CALLS`, `config file PATH`), empty when unknown.
    case invalidValue(key: String, origin: String, message: String)

    /// A message naming the key and its source.
    package var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "config file \(path): \(reason)"
        case .unknownKey(let path, let key): "config file \(path): unknown key \"\(key)\""
        case .unknownFlag(let flag): "unknown option \(flag) (amd-edge run --help lists them)"
        case .unexpectedArgument(let argument): "unexpected argument \"\(argument)\": options are --KEY VALUE"
        case .invalidValue(let key, let origin, let message):
            origin.isEmpty ? "key \"\(key)\": \(message)" : "\(origin) key \"\(key)\": \(message)"
        }
    }
}
