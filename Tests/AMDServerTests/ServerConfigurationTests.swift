import AMDCore
import AMDServer
import Foundation
import NIOCore
import Testing

extension ServerConfiguration {
    /// ``load(arguments:environment:readFile:)`` with the flags as `--KEY=VALUE` and the file given as bytes.
    static func resolve(
        fileData: Data?, filePath: String = "config", flags: [String: [String]], environment: [String: String] = [:]
    ) throws(ConfigError) -> ServerConfiguration {
        var arguments = flags.sorted { $0.key < $1.key }.flatMap { key, values in values.map { "--\(key)=\($0)" } }
        if fileData != nil { arguments += ["--config", filePath] }
        return try load(arguments: arguments, environment: environment) { _ in fileData ?? Data() }
    }
}

struct ServerConfigurationTests {
    @Test func defaults() throws {
        let config = try ServerConfiguration.resolve(fileData: nil, flags: [:])
        #expect(config.http == HostPort(host: "127.0.0.1", port: 8080))
        #expect(config.retention == .seconds(600) && config.maxCalls == 1000 && config.apiToken == nil)
    }

    @Test func fileThenFlagsOverride() throws {
        let file = Data(#"{"http":"0.0.0.0:9000","max-calls":50,"rtp":["127.0.0.1:4000-4003"],"retention":"2m"}"#.utf8)
        let config = try ServerConfiguration.resolve(
            fileData: file, flags: ["max-calls": ["70"], "rtp": ["[::1]:5000"]],
            environment: ["AMD_EDGE_API_TOKEN": "secret"])
        #expect(config.http == HostPort(host: "0.0.0.0", port: 9000))
        #expect(config.maxCalls == 70)
        #expect(config.rtp == [ListenRange(host: "::1", ports: 5000...5000)])
        #expect(config.retention == .seconds(120))
        #expect(config.apiToken == "secret")
    }

    @Test func errorsNameTheKey() {
        let file = Data(#"{"max-calls":"many"}"#.utf8)
        #expect {
            _ = try ServerConfiguration.resolve(fileData: file, filePath: "a.json", flags: [:])
        } throws: { error in
            "\(error)".contains("\"max-calls\"") && "\(error)".contains("a.json")
        }
        #expect(throws: ConfigError.unknownKey(path: "a.json", key: "max_calls")) {
            _ = try ServerConfiguration.resolve(
                fileData: Data(#"{"max_calls":1}"#.utf8), filePath: "a.json", flags: [:])
        }
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["idle-timeout": ["soon"]])
        } throws: { error in
            "\(error)".contains("--idle-timeout")
        }
    }

    /// A zero idle timeout would end every call between two packets and spin the sweep; a zero request timeout
    /// would fail every webhook. Values that round to zero milliseconds count as zero.
    @Test func timeoutsHaveAFloor() throws {
        for (key, value, floor) in [
            ("idle-timeout", "0", 100), ("idle-timeout", ".39ms", 100), ("idle-timeout", "99ms", 100),
            ("ws-idle-timeout", "0", 100), ("webhook-timeout", "0", 10),
        ] {
            #expect("\(key)=\(value)") {
                _ = try ServerConfiguration.resolve(
                    fileData: Data(#"{"\#(key)":"\#(value)"}"#.utf8), filePath: "a.json", flags: [:])
            } throws: { error in
                guard case .invalidValue(let name, let origin, let message) = error as? ConfigError else {
                    return false
                }
                return name == key && origin == "config file a.json" && message.contains("at least \(floor) ms")
            }
        }
        let config = try ServerConfiguration.resolve(
            fileData: nil, flags: ["idle-timeout": ["100ms"], "webhook-timeout": ["10ms"]])
        #expect(config.idleTimeout == .milliseconds(100) && config.webhookTimeout == .milliseconds(10))
    }

    @Test func theNoBeepTimeoutIsBoundedAndReachesTheHub() throws {
        let config = try ServerConfiguration.resolve(fileData: nil, flags: ["no-beep-timeout": ["2.5s"]])
        #expect(config.noBeepTimeout == .milliseconds(2500))
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["no-beep-timeout": ["90s"]])
        } throws: { error in
            "\(error)".contains("--no-beep-timeout") && "\(error)".contains("60 s")
        }
        // A call without a registration of its own takes the daemon's timeout.
        let hub = CallHub(
            limits: .init(noBeepTimeoutMs: config.noBeepTimeout.wholeMilliseconds),
            bus: EventBus(metrics: ServerMetrics()), metrics: ServerMetrics())
        let id = try #require(hub.open(rtpDescriptor()))
        #expect(hub.noBeepTimeoutMs(forCall: id) == 2500)
    }

    /// A device, FIFO or directory named as the config file or the model would block the start or read without end:
    /// each is refused with its reason, as is a file over the size limit.
    @Test func onlyRegularFilesOfSensibleSizeAreRead() throws {
        for path in ["/dev/zero", "/tmp"] {
            #expect(throws: ConfigError.unreadableFile(path: path, reason: "cannot be read (not a regular file)")) {
                _ = try ServerConfiguration.load(arguments: ["--config", path], environment: [:])
            }
            #expect {
                _ = try ServerConfiguration.load(arguments: ["--model", path], environment: [:])
            } throws: { error in
                guard case .invalidValue("model", "flag --model", let message) = error as? ConfigError else {
                    return false
                }
                return message == "cannot read \(path): not a regular file"
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("amd-edge-large-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = directory.appendingPathComponent("config.json")
        try Data(count: (1 << 20) + 1).write(to: large)
        #expect(
            throws: ConfigError.unreadableFile(
                path: large.path, reason: "cannot be read (1048577 bytes, over the 1048576-byte limit)")
        ) {
            _ = try ServerConfiguration.load(arguments: ["--config", large.path], environment: [:])
        }
    }

    @Test func modelIsReadAndCheckedAtStartUp() throws {
        var edited = BeepModel.default
        edited.detector.refractoryMs = 1234
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("amd-edge-config-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("model.json")
        try edited.jsonData().write(to: good)
        let config = try ServerConfiguration.resolve(fileData: nil, flags: ["model": [good.path]])
        #expect(config.model.model == edited && config.modelPath == good.path)
        let defaults = try ServerConfiguration.resolve(fileData: nil, flags: [:])
        #expect(defaults.model == .default && defaults.modelPath == nil)

        let missing = directory.appendingPathComponent("missing.json").path
        #expect {
            let file = Data(#"{"model":"\#(missing)"}"#.utf8)
            _ = try ServerConfiguration.resolve(fileData: file, filePath: "a.json", flags: [:])
        } throws: { error in
            "\(error)".contains("\"model\"") && "\(error)".contains("a.json") && "\(error)".contains("cannot read")
        }
        let bad = directory.appendingPathComponent("bad.json")
        try Data(#"{"format":"amd-edge-gaussian-nb"}"#.utf8).write(to: bad)
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["model": [bad.path]])
        } throws: { error in
            "\(error)".contains("--model") && "\(error)".contains("not a usable model")
        }
    }

    @Test func vonageWebSocketOptions() throws {
        let defaults = try ServerConfiguration.resolve(fileData: nil, flags: [:])
        #expect(defaults.wsPath == "/socket" && defaults.wsMaxMessageBytes == 65536)
        #expect(defaults.wsIdleTimeout == .seconds(10))
        let file = Data(#"{"ws-path":"/vonage/s3cret","ws-max-message":4096,"ws-idle-timeout":"3s"}"#.utf8)
        let config = try ServerConfiguration.resolve(fileData: file, flags: ["ws-idle-timeout": ["750ms"]])
        #expect(config.wsPath == "/vonage/s3cret" && config.wsMaxMessageBytes == 4096)
        #expect(config.wsIdleTimeout == .milliseconds(750))
        for (key, value) in [
            ("ws-path", "socket"), ("ws-path", "/v1/socket"), ("ws-path", "/a b"),
            ("ws-max-message", "100"), ("ws-idle-timeout", "0"),
        ] {
            #expect(throws: ConfigError.self, "\(key)=\(value)") {
                _ = try ServerConfiguration.resolve(fileData: nil, flags: [key: [value]])
            }
        }
    }

    @Test func alsaDevicesKeepTheirOwnCommas() throws {
        #expect(ServerConfiguration.alsaDevices(parsing: "hw:1,0") == ["hw:1,0"])
        #expect(ServerConfiguration.alsaDevices(parsing: "hw:1,0,plughw:2,0") == ["hw:1,0", "plughw:2,0"])
        let named = ServerConfiguration.alsaDevices(parsing: "plughw:CARD=PCH,DEV=0,default")
        #expect(named == ["plughw:CARD=PCH,DEV=0", "default"])
        #expect(ServerConfiguration.alsaDevices(parsing: "hw:1,0,0") == ["hw:1,0,0"], "card, device, subdevice")
        #expect(ServerConfiguration.alsaDevices(parsing: "file:FILE=/tmp/a=b.raw") == ["file:FILE=/tmp/a=b.raw"])
        for bad in ["", "hw:1,,hw:2", "hw:1,0,", "plug hw:1"] {
            #expect(ServerConfiguration.alsaDevices(parsing: bad) == nil, "\(bad)")
        }
        let file = Data(#"{"alsa":["hw:1,0","plughw:2,0,dsnoop:3"]}"#.utf8)
        let fromFile = try ServerConfiguration.resolve(fileData: file, flags: [:])
        #expect(fromFile.alsa == ["hw:1,0", "plughw:2,0", "dsnoop:3"])
        let flags = try ServerConfiguration.resolve(fileData: file, flags: ["alsa": ["hw:4,0", "default"]])
        #expect(flags.alsa == ["hw:4,0", "default"])
        #expect(try ServerConfiguration.resolve(fileData: nil, flags: [:]).alsa.isEmpty)
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["alsa": ["hw:1,0", "plughw:2,0,hw:1,0"]])
        } throws: { error in
            "\(error)".contains("--alsa") && "\(error)".contains("\"hw:1,0\" is listed twice")
        }
    }

    @Test func theExampleConfigParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/amd-edge.example.json")
        let config = try ServerConfiguration.resolve(fileData: Data(contentsOf: url), flags: [:])
        #expect(config.rtp.first?.ports == 40000...40019)
        #expect(config.webhooks.count == 1 && config.notifyUDP.count == 1)
        #expect(config.alsa.isEmpty, "the example captures no sound card unless asked to")
    }

    @Test func addressesAndNetworks() throws {
        #expect(HostPort(parsing: "[::1]:80") == HostPort(host: "::1", port: 80))
        #expect(HostPort(parsing: "::1:80") == nil)
        #expect(HostPort(parsing: "h:70000") == nil)
        #expect(ListenRange(parsing: "0.0.0.0:4000-4009")?.ports.count == 10)
        #expect(ListenRange(parsing: "0.0.0.0:4009-4000") == nil)
        let net = try #require(CIDR(parsing: "10.1.0.0/16"))
        #expect(net.contains(try SocketAddress(ipAddress: "10.1.200.3", port: 1)))
        #expect(!net.contains(try SocketAddress(ipAddress: "10.2.0.1", port: 1)))
        #expect(net.contains(try SocketAddress(ipAddress: "::ffff:10.1.0.9", port: 1)))
        let v6 = try #require(CIDR(parsing: "2001:db8::/32"))
        #expect(v6.contains(try SocketAddress(ipAddress: "2001:db8:1::5", port: 1)))
        #expect(CIDR(parsing: "10.0.0.0/33") == nil)
        #expect(ServerConfiguration.parseDuration("250ms") == .milliseconds(250))
        #expect(ServerConfiguration.parseDuration("-1") == nil)
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() throws {
        let file = Data(#"{"max-calls":50,"retention":"2m","http":"0.0.0.0:9000","api-token":"from-file"}"#.utf8)
        let environment = [
            "AMD_EDGE_MAX_CALLS": "60", "AMD_EDGE_RETENTION": "3m", "AMD_EDGE_RTP": "127.0.0.1:4000,[::1]:5000-5001",
            "AMD_EDGE_API_TOKEN": "", "MAX_CALLS": "1",
        ]
        let config = try ServerConfiguration.resolve(
            fileData: file, flags: ["max-calls": ["70"]], environment: environment)
        #expect(config.maxCalls == 70, "the flag")
        #expect(config.retention == .seconds(180), "the environment")
        #expect(config.http == HostPort(host: "0.0.0.0", port: 9000), "the file")
        #expect(config.apiToken == "from-file", "an empty variable is unset")
        #expect(
            config.rtp == [
                ListenRange(host: "127.0.0.1", ports: 4000...4000), ListenRange(host: "::1", ports: 5000...5001),
            ])
        #expect(config.idleTimeout == .seconds(5), "the default")
        let alsa = try ServerConfiguration.resolve(
            fileData: nil, flags: [:], environment: ["AMD_EDGE_ALSA": "hw:1,0,hw:2,0@2"])
        #expect(alsa.alsa == ["hw:1,0", "hw:2,0@2"], "an environment list keeps the devices' own commas")
    }

    @Test func errorsNameTheSourceOfTheValue() {
        let file = Data(#"{"max-calls":"many","retention":"soon"}"#.utf8)
        let cases: [([String: [String]], [String: String], String)] = [
            (["max-calls": ["0"]], [:], #"flag --max-calls key "max-calls""#),
            ([:], ["AMD_EDGE_MAX_CALLS": "lots"], #"environment AMD_EDGE_MAX_CALLS key "max-calls""#),
            ([:], [:], #"config file a.json key "max-calls""#),
        ]
        for (flags, environment, expected) in cases {
            #expect {
                _ = try ServerConfiguration.resolve(
                    fileData: file, filePath: "a.json", flags: flags, environment: environment)
            } throws: { error in
                "\(error)".hasPrefix(expected)
            }
        }
        #expect(throws: ConfigError.unknownFlag("--max_calls")) {
            _ = try ServerConfiguration.load(arguments: ["--max_calls", "1"], environment: [:])
        }
        #expect(throws: ConfigError.unexpectedArgument("500")) {
            _ = try ServerConfiguration.load(arguments: ["500"], environment: [:])
        }
        #expect(throws: ConfigError.invalidValue(key: "http", origin: "flag --http", message: "expected a value")) {
            _ = try ServerConfiguration.load(arguments: ["--http"], environment: [:])
        }
    }

    @Test func everyOptionIsDeclaredOnceWithADefaultThatMatches() throws {
        let keys = ServerConfiguration.options.map(\.key)
        #expect(Set(keys).count == keys.count && keys.count == 23)
        let defaults = ServerConfiguration()
        for option in ServerConfiguration.options {
            #expect(option.helpLine.hasPrefix("--\(option.key) "))
            #expect(
                option.environmentVariable == "AMD_EDGE_"
                    + option.key.uppercased().replacingOccurrences(of: "-", with: "_"))
            guard let text = option.defaultText else { continue }
            let applied = try ServerConfiguration.load(arguments: ["--\(option.key)=\(text)"], environment: [:])
            #expect("\(applied)" == "\(defaults)", "\(option.key)'s documented default \(text)")
        }
    }
}
