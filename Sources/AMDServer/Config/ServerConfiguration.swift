package import AMDCore
package import FoundationEssentials
package import Logging

/// Every option of `amd-edge run`, from a JSON config file and command-line flags (flags win).
///
/// The file's keys are the flags' names without dashes (`"max-calls": 500`, `"rtp": ["0.0.0.0:4000-4009"]`).
/// Durations are seconds as a number, or a string with a unit (`"250ms"`, `"5s"`, `"10m"`, `"1h"`).
package struct ServerConfiguration: Sendable {
    /// HTTP API address (`--http`), loopback by default.
    package var http = HostPort(host: "127.0.0.1", port: 8080)
    /// RTP listen addresses (`--rtp`, repeatable).
    package var rtp: [ListenRange] = []
    /// Sources allowed to send RTP (`--rtp-allow`, repeatable); empty allows every source.
    package var rtpAllow: [CIDR] = []
    /// A stream ends after this long without packets (`--idle-timeout`).
    package var idleTimeout: Duration = .seconds(5)
    /// Concurrent calls at most (`--max-calls`).
    package var maxCalls = 1000
    /// Ended calls stay visible this long (`--retention`).
    package var retention: Duration = .seconds(600)
    /// Ended calls kept at most (`--max-ended-calls`).
    package var maxEndedCalls = 10_000
    /// UDP notification targets (`--notify-udp`, repeatable).
    package var notifyUDP: [HostPort] = []
    /// Webhook URLs (`--webhook`, repeatable).
    package var webhooks: [String] = []
    /// Events queued per webhook before the oldest is dropped (`--webhook-queue`).
    package var webhookQueue = 1000
    /// Attempts per event and webhook (`--webhook-attempts`).
    package var webhookAttempts = 5
    /// Time allowed for one webhook request (`--webhook-timeout`).
    package var webhookTimeout: Duration = .seconds(5)
    /// Bearer token required on `/v1/*` (`--api-token`, or `AMD_EDGE_API_TOKEN`).
    package var apiToken: String?
    /// Request bodies larger than this get 413, in bytes (`--max-body`).
    package var maxBodyBytes = 64 * 1024
    /// Events kept for `GET /v1/events` (`--event-history`).
    package var eventHistory = 10_000
    /// Log level (`--log-level`).
    package var logLevel: Logger.Level = .info
    /// Time allowed at shutdown to finish notifications (`--shutdown-timeout`).
    package var shutdownTimeout: Duration = .seconds(10)
    /// Route of the Vonage Voice API websocket on the HTTP server (`--ws-path`); outside `/v1/`, so no token.
    package var wsPath = "/socket"
    /// Largest Vonage websocket message accepted, in bytes (`--ws-max-message`); larger ones close with 1009.
    package var wsMaxMessageBytes = 64 * 1024
    /// A Vonage websocket is closed (1008) after this long without a message (`--ws-idle-timeout`).
    package var wsIdleTimeout: Duration = .seconds(10)
    /// ALSA PCM capture devices to monitor, one call each or one per channel with `@N` (`--alsa`, repeatable, each a
    /// comma-separated list; see ``alsaDevices(parsing:)`` and ``ALSADevice``), as written.
    package var alsa: [String] = []
    /// The detector's model (`--model PATH`: a model JSON written by `amd-edge train`), read and checked at start-up;
    /// the shipped model by default.
    package var model: BeepModel = .default
    /// The file ``model`` was read from, or `nil` for the shipped model.
    package var modelPath: String?

    /// The keys a config file may have, which are also the flags' names.
    package static let keys: [String] = [
        "http", "rtp", "rtp-allow", "idle-timeout", "max-calls", "retention", "max-ended-calls", "notify-udp",
        "webhook", "webhook-queue", "webhook-attempts", "webhook-timeout", "api-token", "max-body",
        "event-history", "log-level", "shutdown-timeout", "ws-path", "ws-max-message", "ws-idle-timeout", "alsa",
        "model",
    ]

    /// The defaults.
    package init() {}

    /// Builds the configuration from a config file (if any) and flags; flags replace the file's value of a key.
    /// - Parameters:
    ///   - fileData: the config file's bytes, or `nil` without `--config`.
    ///   - filePath: the file's path, for messages.
    ///   - flags: values given on the command line, by key (repeatable flags have several).
    ///   - environment: `AMD_EDGE_API_TOKEN` is read from here when neither the file nor a flag sets the token.
    package static func resolve(
        fileData: Data?, filePath: String = "config", flags: [String: [String]],
        environment: [String: String] = [:]
    ) throws(ConfigError) -> ServerConfiguration {
        var values: [String: (values: [String], origin: String)] = [:]
        if let fileData {
            for (key, list) in try fileValues(fileData, path: filePath) {
                values[key] = (list, "config file \(filePath)")
            }
        }
        if values["api-token"] == nil, let token = environment["AMD_EDGE_API_TOKEN"], !token.isEmpty {
            values["api-token"] = ([token], "environment AMD_EDGE_API_TOKEN")
        }
        for (key, list) in flags where !list.isEmpty {
            values[key] = (list, "flag --\(key)")
        }
        var config = ServerConfiguration()
        for key in keys {
            guard let (list, origin) = values[key] else { continue }
            try config.apply(key: key, values: list, origin: origin)
        }
        return config
    }

    private mutating func apply(key: String, values: [String], origin: String) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError { .invalidValue(key: key, origin: origin, message: message) }
        func single() throws(ConfigError) -> String {
            guard values.count == 1, let value = values.first else { throw fail("expected one value") }
            return value
        }
        func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
            let text = try single()
            guard let value = Int(text), range.contains(value) else {
                throw fail("expected an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
            }
            return value
        }
        func duration() throws(ConfigError) -> Duration {
            let text = try single()
            guard let value = Self.parseDuration(text) else {
                throw fail("expected a duration (seconds, or a number with ms, s, m or h), got \"\(text)\"")
            }
            return value
        }
        switch key {
        case "http":
            let text = try single()
            guard let value = HostPort(parsing: text) else { throw fail("expected HOST:PORT, got \"\(text)\"") }
            http = value
        case "rtp":
            rtp = try values.map { text throws(ConfigError) in
                guard let value = ListenRange(parsing: text) else {
                    throw fail("expected HOST:PORT or HOST:FIRST-LAST (at most 1024 ports), got \"\(text)\"")
                }
                return value
            }
        case "rtp-allow":
            rtpAllow = try values.map { text throws(ConfigError) in
                guard let value = CIDR(parsing: text) else { throw fail("expected an IP network, got \"\(text)\"") }
                return value
            }
        case "idle-timeout": idleTimeout = try duration()
        case "max-calls": maxCalls = try integer(1...1_000_000)
        case "retention": retention = try duration()
        case "max-ended-calls": maxEndedCalls = try integer(0...1_000_000)
        case "notify-udp":
            notifyUDP = try values.map { text throws(ConfigError) in
                guard let value = HostPort(parsing: text), value.port > 0 else {
                    throw fail("expected HOST:PORT, got \"\(text)\"")
                }
                return value
            }
        case "webhook":
            webhooks = try values.map { text throws(ConfigError) in
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
                else { throw fail("expected an http:// or https:// URL, got \"\(text)\"") }
                return text
            }
        case "webhook-queue": webhookQueue = try integer(1...1_000_000)
        case "webhook-attempts": webhookAttempts = try integer(1...100)
        case "webhook-timeout": webhookTimeout = try duration()
        case "api-token":
            let token = try single()
            guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw fail("expected a non-empty token of printable characters without spaces")
            }
            apiToken = token
        case "max-body": maxBodyBytes = try integer(1...(64 * 1024 * 1024))
        case "event-history": eventHistory = try integer(1...10_000_000)
        case "log-level":
            let text = try single()
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw fail("expected trace, debug, info, notice, warning, error or critical, got \"\(text)\"")
            }
            logLevel = level
        case "shutdown-timeout": shutdownTimeout = try duration()
        case "ws-path":
            let text = try single()
            guard Self.isValidWebSocketPath(text) else {
                throw fail(
                    "expected a path like /socket (starting with /, outside /v1, no spaces, ? or #), got \"\(text)\"")
            }
            wsPath = text
        case "ws-max-message": wsMaxMessageBytes = try integer(1024...(16 * 1024 * 1024))
        case "ws-idle-timeout":
            let value = try duration()
            guard value > .zero else { throw fail("expected a duration above zero") }
            wsIdleTimeout = value
        case "alsa":
            var devices: [String] = []
            var names: Set<String> = []
            for text in values {
                guard let list = Self.alsaDevices(parsing: text) else {
                    throw fail(
                        "expected ALSA device names separated by commas (e.g. hw:1,0,plughw:2,0), got \"\(text)\"")
                }
                for device in list {
                    guard let parsed = ALSADevice(parsing: device) else {
                        throw fail(
                            "expected DEVICE or DEVICE@N with N channels from 1 to \(ALSADevice.maxChannels)"
                                + " (e.g. hw:1,0@4), got \"\(device)\"")
                    }
                    guard names.insert(parsed.name).inserted else {
                        throw fail("device \"\(parsed.name)\" is listed twice")
                    }
                    devices.append(device)
                }
            }
            alsa = devices
        case "model":
            let path = try single()
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw fail("cannot read \(path): \(error.fileReadReason)")
            }
            do {
                model = try BeepModel(json: data)
            } catch {
                throw fail("\(path) is not a usable model: \(error)")
            }
            modelPath = path
        default: break
        }
    }

    /// Whether `path` can be the Vonage websocket route: starts with `/`, at most 256 printable ASCII characters
    /// without `?`, `#` or spaces, and outside `/v1` (the token-protected API, which Vonage cannot authenticate to).
    package static func isValidWebSocketPath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), path.utf8.count <= 256, path != "/v1", !path.hasPrefix("/v1/") else { return false }
        return path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
    }

    /// Splits `DEVICE[,DEVICE...]` into ALSA PCM names; `nil` when a name is empty or has spaces or control
    /// characters, or when there are more than 64.
    ///
    /// ALSA names hold commas themselves (`hw:1,0`, `plughw:CARD=PCH,DEV=0`), so a comma starts a new device only
    /// when what follows is not an argument of the previous one: a piece that is a number (`0`, or `0@4` with a channel
    /// count) or a `KEY=VALUE` (`DEV=0`, with no `:` before its `=`) stays with the device before it. So
    /// `hw:1,0,plughw:2,0` is two devices, `plughw:CARD=PCH,DEV=0,default` two as well, `hw:1,0@4,hw:2,0` two.
    package static func alsaDevices(parsing text: String) -> [String]? {
        var devices: [String] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
            // `0@4`: the last number of `hw:1,0` and a channel count.
            let number = piece.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let isNumber = !number.isEmpty && number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber)
            var isKeyValue = false
            if let equals = piece.firstIndex(of: "=") {
                isKeyValue = piece.firstIndex(of: ":").map { equals < $0 } ?? true
            }
            if let last = devices.indices.last, isNumber || isKeyValue {
                devices[last] += ",\(piece)"
            } else {
                devices.append(String(piece))
            }
        }
        return devices.count <= 64 ? devices : nil
    }

    /// Parses `"5"`, `"2.5"`, `"250ms"`, `"5s"`, `"10m"`, `"1h"`; `nil` when malformed or negative.
    package static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = text
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = String(text.dropLast(unit.suffix.count))
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale < 1e9 else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    private static func fileValues(_ data: Data, path: String) throws(ConfigError) -> [String: [String]] {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw .unreadableFile(path: path, reason: "not a JSON object (\(error))")
        }
        var result: [String: [String]] = [:]
        for (key, value) in object {
            guard keys.contains(key) else { throw .unknownKey(path: path, key: key) }
            let list: [String]?
            switch value {
            case .array(let items):
                let texts = items.compactMap(\.scalarText)
                guard texts.count == items.count else {
                    throw .invalidValue(key: key, origin: "config file \(path)", message: "expected strings or numbers")
                }
                list = texts
            case .null: list = nil
            default: list = value.scalarText.map { [$0] }
            }
            guard let list else {
                throw .invalidValue(key: key, origin: "config file \(path)", message: "expected a string or a number")
            }
            result[key] = list
        }
        return result
    }
}
