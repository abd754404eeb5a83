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
            e.g. {"rtp": ["0.0.0.0:40000-40099"], "max-calls": 500, "webhook": ["http://ctl:9000/amd"]}, or in the
            environment as AMD_EDGE_ and the name in capitals with _ for - (AMD_EDGE_MAX_CALLS=500; a repeatable
            option's values separated by commas). Flags override the environment, which overrides the file.
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

            Options:
            \(optionsHelp)
            """
    )

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The options below, each --KEY VALUE or --KEY=VALUE.", valueName: "options"))
    var options: [String] = []

    /// The options' help, from the one table that declares them.
    static let optionsHelp: String = {
        let lines =
            ["--config PATH: JSON config file with any of the options below (or AMD_EDGE_CONFIG)."]
            + ServerConfiguration.options.map(\.helpLine)
        return lines.joined(separator: "\n")
    }()

    /// The configuration the options, the environment and the config file give.
    func loadConfiguration() throws -> ServerConfiguration {
        do {
            return try ServerConfiguration.load(arguments: options, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Answers `--help` and `--version` (captured with the options), and checks the configuration before `run()`,
    /// so that a bad value is reported with this command's usage.
    func validate() throws {
        if options.contains(where: { $0 == "--help" || $0 == "-h" }) { throw CleanExit.helpRequest(self) }
        if options.contains("--version") { throw CleanExit.message(AMDEdgeVersion.current) }
        _ = try loadConfiguration()
    }

    func run() throws {
        let configuration = try loadConfiguration()
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
