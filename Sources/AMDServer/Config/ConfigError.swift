/// Why the configuration could not be built; every message names the key (or flag) and the fault.
package enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The config file could not be read or is not a JSON object.
    case unreadableFile(path: String, reason: String)
    /// The config file has a key no option has.
    case unknownKey(path: String, key: String)
    /// A value is malformed or out of range; `origin` says where it came from (the file or `--flag`).
    case invalidValue(key: String, origin: String, message: String)

    /// A message naming the key.
    package var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "config file \(path): \(reason)"
        case .unknownKey(let path, let key): "config file \(path): unknown key \"\(key)\""
        case .invalidValue(let key, let origin, let message): "\(origin) key \"\(key)\": \(message)"
        }
    }
}
