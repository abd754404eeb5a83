package import AMDCore
package import Configuration
package import FoundationEssentials
package import Logging

/// Every option of `amd-edge run`, read through swift-configuration from command-line flags, the environment
/// (`AMD_EDGE_*`) and a JSON config file, in that order of precedence, over the defaults below.
///
/// Each option is declared once, in ``options`` (key, help, default, check). The file's keys are the flags' names
/// without dashes (`"max-calls": 500`, `"rtp": ["0.0.0.0:4000-4009"]`); the environment's are `AMD_EDGE_` and the
/// key upper-cased (`AMD_EDGE_MAX_CALLS`), with a repeatable option's values separated by commas. Durations are
/// seconds as a number, or a string with a unit (`"250ms"`, `"5s"`, `"10m"`, `"1h"`).
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
    /// Silence after a machine's greeting that ends it as `silence` when no beep came (`--no-beep-timeout`); a
    /// registration's `no_beep_timeout` overrides it for its call.
    package var noBeepTimeout: Duration = .milliseconds(AnswerClassifier.Configuration.defaultNoBeepTimeoutMs)
    /// Route of the Vonage Voice API websocket on the HTTP server (`--ws-path`); outside `/v1/`, so no token.
    package var wsPath = "/socket"
    /// Largest Vonage websocket message accepted, in bytes (`--ws-max-message`); larger ones close with 1009.
    package var wsMaxMessageBytes = 64 * 1024
    /// A Vonage websocket is closed (1008) after this long without a message (`--ws-idle-timeout`).
    package var wsIdleTimeout: Duration = .seconds(10)
    /// ALSA PCM capture devices to monitor, one call each or one per channel with `@N` (`--alsa`, repeatable, each a
    /// comma-separated list; see ``alsaDevices(parsing:)`` and ``ALSADevice``), as written.
    package var alsa: [String] = []
    /// The detector's model (`--model PATH`: a model JSON written by `amd-edge train`), read and validated once at
    /// start-up, never per call; the shipped model by default.
    package var model: ValidatedModel = .default
    /// The file ``model`` was read from, or `nil` for the shipped model.
    package var modelPath: String?

    /// The defaults.
    package init() {}

    /// Reads every option from `reader`, as Hummingbird's `Application+ConfigReader` does: each key of ``options``
    /// as an array of strings (one for a single-valued option), checked and applied over the defaults.
    /// - Throws: ``ConfigError/invalidValue(key:origin:message:)`` for the first value that fails its check; the
    ///   origin is empty here, since a reader does not tell which provider answered
    ///   (``load(arguments:environment:readFile:)`` fills it in).
    package init(reader: ConfigReader) throws(ConfigError) {
        self.init()
        for option in Self.options {
            guard let texts = reader.stringArray(forKey: ConfigKey([option.key]), isSecret: option.isSecret) else {
                continue
            }
            try option.apply(&self, ServerOptionValue(key: option.key, texts: texts))
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

}
