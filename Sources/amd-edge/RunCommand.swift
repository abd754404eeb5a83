import AMDServer
import ArgumentParser
import Dispatch
import FoundationEssentials
import Logging
import Synchronization

/// `amd-edge run`: the daemon. Mirrored RTP, Vonage websockets and ALSA capture devices in; beep events out over
/// the status API, long-poll, websocket, UDP and webhooks.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run the detection daemon: RTP over UDP, Vonage websockets and ALSA capture in, call status and beeps out.",
        discussion: """
            Every option can also be set in a JSON config file (--config) under the option's name without dashes,
            e.g. {"rtp": ["0.0.0.0:40000-40099"], "max-calls": 500, "webhook": ["http://ctl:9000/amd"]}.
            Flags override the file. The API token can also come from AMD_EDGE_API_TOKEN.
            Vonage Voice API calls connect (NCCO "connect" to a websocket) to ws://HOST:PORT/socket on the --http
            address; that route needs no token.
            --alsa captures ALSA PCM devices (line capture such as hw:1,0 or plughw:1,0), one call per device, as
            16-bit mono at 16000 Hz or the device's nearest of 8000, 44100 or 48000 Hz. Call ids are alsa-DEVICE
            (alsa-plughw-1-0). DEVICE@N opens the device with N interleaved channels, each channel its own call,
            alsa-DEVICE-chK with K from 1 (--alsa hw:1,0@4: alsa-hw-1-0-ch1 to -ch4). A device that cannot be opened
            stops the daemon at start with its reason; a device that fails later ends only its calls. In a list, a
            comma followed by a number or KEY=VALUE continues the device's name: --alsa hw:1,0,plughw:CARD=PCH,DEV=0
            is two devices.
            SIGTERM or SIGINT shuts down gracefully.
            """
    )

    @Option(help: "JSON config file with any of the options below.")
    var config: String?

    @Option(help: "HTTP API address HOST:PORT (default 127.0.0.1:8080).")
    var http: String?

    @Option(help: "RTP listen address HOST:PORT or HOST:FIRST-LAST; repeatable.")
    var rtp: [String] = []

    @Option(name: .customLong("rtp-allow"), help: "Accept RTP only from this network (CIDR); repeatable.")
    var rtpAllow: [String] = []

    @Option(name: .customLong("idle-timeout"), help: "End a stream after this long without packets (default 5s).")
    var idleTimeout: String?

    @Option(name: .customLong("max-calls"), help: "Concurrent calls at most (default 1000).")
    var maxCalls: String?

    @Option(help: "Keep ended calls visible this long (default 10m).")
    var retention: String?

    @Option(name: .customLong("max-ended-calls"), help: "Ended calls kept at most (default 10000).")
    var maxEndedCalls: String?

    @Option(name: .customLong("notify-udp"), help: "Send every event as a JSON datagram to HOST:PORT; repeatable.")
    var notifyUDP: [String] = []

    @Option(help: "POST every event as JSON to this URL; repeatable.")
    var webhook: [String] = []

    @Option(name: .customLong("webhook-queue"), help: "Events queued per webhook before dropping (default 1000).")
    var webhookQueue: String?

    @Option(name: .customLong("webhook-attempts"), help: "Attempts per event and webhook (default 5).")
    var webhookAttempts: String?

    @Option(name: .customLong("webhook-timeout"), help: "Time allowed for one webhook request (default 5s).")
    var webhookTimeout: String?

    @Option(name: .customLong("api-token"), help: "Require 'Authorization: Bearer TOKEN' on /v1/*.")
    var apiToken: String?

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (default 65536).")
    var maxBody: String?

    @Option(name: .customLong("event-history"), help: "Events kept for GET /v1/events (default 10000).")
    var eventHistory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("shutdown-timeout"), help: "Time allowed to finish notifications at shutdown (default 10s).")
    var shutdownTimeout: String?

    @Option(name: .customLong("ws-path"), help: "Route of the Vonage Voice API websocket (default /socket).")
    var wsPath: String?

    @Option(name: .customLong("ws-max-message"), help: "Largest Vonage websocket message in bytes (default 65536).")
    var wsMaxMessage: String?

    @Option(
        name: .customLong("ws-idle-timeout"), help: "Close a Vonage websocket after this long silent (default 10s).")
    var wsIdleTimeout: String?

    @Option(
        help: ArgumentHelp(
            "ALSA capture devices DEVICE[@N][,...] to monitor, one call each or one per channel with @N channels"
                + " (e.g. plughw:1,0 or hw:1,0@4); repeatable."))
    var alsa: [String] = []

    @Option(help: "Model JSON written by `amd-edge train` (default: the shipped model).")
    var model: String?

    /// The flags given, by config key.
    var flags: [String: [String]] {
        var flags: [String: [String]] = [
            "rtp": rtp, "rtp-allow": rtpAllow, "notify-udp": notifyUDP, "webhook": webhook, "alsa": alsa,
        ]
        let singles: [(String, String?)] = [
            ("http", http), ("idle-timeout", idleTimeout), ("max-calls", maxCalls), ("retention", retention),
            ("max-ended-calls", maxEndedCalls), ("webhook-queue", webhookQueue),
            ("webhook-attempts", webhookAttempts), ("webhook-timeout", webhookTimeout), ("api-token", apiToken),
            ("max-body", maxBody), ("event-history", eventHistory), ("log-level", logLevel),
            ("shutdown-timeout", shutdownTimeout), ("ws-path", wsPath), ("ws-max-message", wsMaxMessage),
            ("ws-idle-timeout", wsIdleTimeout), ("model", model),
        ]
        for (key, value) in singles { if let value { flags[key] = [value] } }
        return flags
    }

    func run() throws {
        var fileData: Data?
        if let config {
            do {
                fileData = try Data(contentsOf: URL(fileURLWithPath: config))
            } catch {
                throw ValidationError("config file \(config): cannot be read (\(error.fileReadReason))")
            }
        }
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(
                fileData: fileData, filePath: config ?? "config", flags: flags,
                environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let daemon = Daemon(configuration: configuration, logger: Logger(label: "amd-edge"))
        daemon.bootstrapMetricsSystem()
        // The root command is synchronous; run the daemon on the concurrency pool and wait for it here.
        let outcome = Mutex<(any Error)??>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await daemon.run(handleSignals: true)
                outcome.withLock { $0 = .some(nil) }
            } catch {
                outcome.withLock { $0 = .some(error) }
            }
            done.signal()
        }
        done.wait()
        if case .some(.some(let error)) = outcome.withLock({ $0 }) { throw error }
    }
}
