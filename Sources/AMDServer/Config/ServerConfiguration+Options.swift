package import AMDCore
package import FoundationEssentials
package import Logging

extension ServerConfiguration {
    /// The shortest idle timeout a stream or websocket may have: shorter than a few packet or frame intervals
    /// (20–60 ms), live calls would end between their packets.
    package static let minimumIdleTimeout: Duration = .milliseconds(100)
    /// The shortest time a webhook request may be given; below it every request would fail before it is sent.
    package static let minimumRequestTimeout: Duration = .milliseconds(10)

    /// Every option of `amd-edge run`, in the order the help lists them.
    package static let options: [ServerOption] = [
        ServerOption("http", "HOST:PORT", "HTTP API address.", default: "127.0.0.1:8080") {
            config, value throws(ConfigError) in
            let text = try value.single()
            guard let address = HostPort(parsing: text) else { throw value.fail("expected HOST:PORT, got \"\(text)\"") }
            config.http = address
        },
        ServerOption("rtp", "HOST:PORT[-LAST]", "RTP listen address or port range.", repeatable: true) {
            config, value throws(ConfigError) in
            config.rtp = try value.each(
                expected: "HOST:PORT or HOST:FIRST-LAST (at most 1024 ports)", ListenRange.init(parsing:))
        },
        ServerOption("rtp-allow", "CIDR", "Accept RTP only from this network.", repeatable: true) {
            config, value throws(ConfigError) in
            config.rtpAllow = try value.each(expected: "an IP network", CIDR.init(parsing:))
        },
        ServerOption("idle-timeout", "DURATION", "End a stream after this long without packets.", default: "5s") {
            config, value throws(ConfigError) in config.idleTimeout = try value.duration(atLeast: minimumIdleTimeout)
        },
        ServerOption("max-calls", "N", "Concurrent calls at most.", default: "1000") {
            config, value throws(ConfigError) in
            config.maxCalls = try value.integer(1...1_000_000)
        },
        ServerOption("retention", "DURATION", "Keep ended calls visible this long.", default: "10m") {
            config, value throws(ConfigError) in
            config.retention = try value.duration()
        },
        ServerOption("max-ended-calls", "N", "Ended calls kept at most.", default: "10000") {
            config, value throws(ConfigError) in
            config.maxEndedCalls = try value.integer(0...1_000_000)
        },
        ServerOption(
            "notify-udp", "HOST:PORT", "Send every event as a JSON datagram to this address.", repeatable: true
        ) { config, value throws(ConfigError) in
            config.notifyUDP = try value.each(expected: "HOST:PORT") { text in
                HostPort(parsing: text).flatMap { $0.port > 0 ? $0 : nil }
            }
        },
        ServerOption("webhook", "URL", "POST every event as JSON to this URL.", repeatable: true) {
            config, value throws(ConfigError) in
            config.webhooks = try value.each(expected: "an http:// or https:// URL") { text in
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
                else { return nil }
                return text
            }
        },
        ServerOption("webhook-queue", "N", "Events queued per webhook before dropping.", default: "1000") {
            config, value throws(ConfigError) in config.webhookQueue = try value.integer(1...1_000_000)
        },
        ServerOption("webhook-attempts", "N", "Attempts per event and webhook.", default: "5") {
            config, value throws(ConfigError) in
            config.webhookAttempts = try value.integer(1...100)
        },
        ServerOption("webhook-timeout", "DURATION", "Time allowed for one webhook request.", default: "5s") {
            config, value throws(ConfigError) in
            config.webhookTimeout = try value.duration(atLeast: minimumRequestTimeout)
        },
        ServerOption(
            "api-token", "TOKEN", "Require 'Authorization: Bearer TOKEN' on /v1/*.", secret: true
        ) { config, value throws(ConfigError) in
            let token = try value.single()
            guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw value.fail("expected a non-empty token of printable characters without spaces")
            }
            config.apiToken = token
        },
        ServerOption("max-body", "BYTES", "Largest request body.", default: "65536") {
            config, value throws(ConfigError) in
            config.maxBodyBytes = try value.integer(1...(64 * 1024 * 1024))
        },
        ServerOption("event-history", "N", "Events kept for GET /v1/events.", default: "10000") {
            config, value throws(ConfigError) in
            config.eventHistory = try value.integer(1...10_000_000)
        },
        ServerOption(
            "log-level", "LEVEL", "trace, debug, info, notice, warning, error or critical.", default: "info"
        ) { config, value throws(ConfigError) in
            let text = try value.single()
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw value.fail("expected trace, debug, info, notice, warning, error or critical, got \"\(text)\"")
            }
            config.logLevel = level
        },
        ServerOption(
            "shutdown-timeout", "DURATION", "Time allowed to finish notifications at shutdown.", default: "10s"
        ) { config, value throws(ConfigError) in
            config.shutdownTimeout = try value.duration()
        },
        ServerOption(
            "no-beep-timeout", "DURATION", "Silence after a machine's greeting that ends it without a beep.",
            default: "5s"
        ) { config, value throws(ConfigError) in
            let timeout = try value.duration()
            let range = AnswerClassifier.Configuration.noBeepTimeoutRangeMs
            guard range.contains(timeout.wholeMilliseconds) else {
                throw value.fail("expected \(range.lowerBound) ms to \(range.upperBound / 1000) s, got \(timeout)")
            }
            config.noBeepTimeout = timeout
        },
        ServerOption(
            "ws-path", "PATH", "Route of the Vonage Voice API websocket (outside /v1, so no token).",
            default: "/socket"
        ) { config, value throws(ConfigError) in
            let text = try value.single()
            guard isValidWebSocketPath(text) else {
                throw value.fail(
                    "expected a path like /socket (starting with /, outside /v1, no spaces, ? or #), got \"\(text)\"")
            }
            config.wsPath = text
        },
        ServerOption("ws-max-message", "BYTES", "Largest Vonage websocket message.", default: "65536") {
            config, value throws(ConfigError) in config.wsMaxMessageBytes = try value.integer(1024...(16 * 1024 * 1024))
        },
        ServerOption(
            "ws-idle-timeout", "DURATION", "Close a Vonage websocket after this long silent.", default: "10s"
        ) { config, value throws(ConfigError) in
            config.wsIdleTimeout = try value.duration(atLeast: minimumIdleTimeout)
        },
        ServerOption(
            "alsa", "DEVICE[@N][,...]",
            "ALSA capture devices to monitor, one call each or one per channel with @N channels (e.g. plughw:1,0"
                + " or hw:1,0@4).",
            repeatable: true
        ) { config, value throws(ConfigError) in
            config.alsa = try alsaDeviceList(value)
        },
        ServerOption("model", "PATH", "Model JSON written by `amd-edge train` (default: the shipped model).") {
            config, value throws(ConfigError) in
            let path = try value.single()
            let data: Data
            do {
                data = try RegularFile.read(path, maxBytes: RegularFile.maxModelBytes)
            } catch {
                throw value.fail("cannot read \(path): \(error)")
            }
            do {
                config.model = try ValidatedModel(json: data)
            } catch {
                throw value.fail("\(path) is not a usable model: \(error)")
            }
            config.modelPath = path
        },
    ]

    /// The option with `key`, if any.
    package static func option(_ key: String) -> ServerOption? {
        options.first { $0.key == key }
    }

    /// The devices of the `alsa` values, each named once. The values are one comma-separated list
    /// (``alsaDevices(parsing:)``) however they came: repeated, or split at their commas (an environment value).
    private static func alsaDeviceList(_ value: ServerOptionValue) throws(ConfigError) -> [String] {
        var devices: [String] = []
        var names: Set<String> = []
        if !value.texts.isEmpty {
            let text = value.texts.joined(separator: ",")
            guard let list = alsaDevices(parsing: text) else {
                throw value.fail(
                    "expected ALSA device names separated by commas (e.g. hw:1,0,plughw:2,0), got \"\(text)\"")
            }
            for device in list {
                guard let parsed = ALSADevice(parsing: device) else {
                    throw value.fail(
                        "expected DEVICE or DEVICE@N with N channels from 1 to \(ALSADevice.maxChannels)"
                            + " (e.g. hw:1,0@4), got \"\(device)\"")
                }
                guard names.insert(parsed.name).inserted else {
                    throw value.fail("device \"\(parsed.name)\" is listed twice")
                }
                devices.append(device)
            }
        }
        return devices
    }
}
