import Configuration
import NIOConcurrencyHelpers

/// Remembers which provider gave each key its value, so that an error can name the source: a `ConfigReader`
/// reports every lookup to its access reporter, with each provider's answer.
final class ConfigOriginRecorder: AccessReporter {
    private let origins = NIOLockedValueBox<[String: String]>([:])

    /// Where the value of `key` came from (`flag --max-calls`, `environment AMD_EDGE_MAX_CALLS`,
    /// `config file PATH`), or `nil` when no provider had it.
    func origin(of key: String) -> String? {
        origins.withLockedValue { $0[key] }
    }

    func report(_ event: AccessEvent) {
        for provider in event.providerResults {
            guard case .success(let lookup) = provider.result, lookup.value != nil else { continue }
            let key = event.metadata.key.components.joined(separator: ".")
            let origin = Self.origin(providerName: provider.providerName, encodedKey: lookup.encodedKey, key: key)
            origins.withLockedValue { $0[key] = origin }
            return
        }
    }

    /// Names a provider the way an operator knows it.
    private static func origin(providerName: String, encodedKey: String, key: String) -> String {
        if providerName.contains("EnvironmentVariablesProvider") { return "environment \(encodedKey)" }
        if providerName == "InMemoryProvider[\(ServerConfiguration.flagsProviderName)]" { return "flag --\(key)" }
        // The file's provider is named after the file.
        if providerName.hasPrefix("InMemoryProvider["), providerName.hasSuffix("]") {
            return String(providerName.dropFirst("InMemoryProvider[".count).dropLast())
        }
        return providerName
    }
}
