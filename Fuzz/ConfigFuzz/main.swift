// libFuzzer target: the daemon's JSON config file, through the same swift-configuration readers `amd-edge run`
// uses (`ServerConfiguration.load`). Every input either builds a configuration whose values are inside the
// options' documented ranges, or throws a `ConfigError` that names the file. Build and run with Fuzz/run.sh.

import FoundationEssentials

/// The path the harness pretends the file has; every file error must name it.
let path = "fuzz.json"

/// libFuzzer's entry point: loads one config file; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do throws(ConfigError) {
        // A `model` key reads the file it names from disk; a made-up path fails as unreadable, with the key named.
        let config = try ServerConfiguration.load(
            arguments: ["--config", path], environment: [:], readFile: { _ in bytes })
        precondition((1...1_000_000).contains(config.maxCalls))
        precondition(config.idleTimeout > .zero && config.wsIdleTimeout > .zero)
        precondition(config.retention >= .zero && config.shutdownTimeout >= .zero)
        precondition(config.noBeepTimeout >= .milliseconds(500) && config.noBeepTimeout <= .seconds(60))
        precondition((0...65_535).contains(config.http.port))
        precondition(config.rtp.allSatisfy { $0.ports.lowerBound >= 0 && $0.ports.upperBound <= 65_535 })
        precondition(config.wsPath.hasPrefix("/"))
    } catch {
        switch error {
        case .unreadableFile(let file, let reason):
            precondition(file == path && !reason.isEmpty)
        case .unknownKey(let file, _):
            precondition(file == path)
        case .invalidValue(let key, let origin, let message):
            precondition(!key.isEmpty && !message.isEmpty)
            precondition(origin == "config file \(path)", "a file's value is blamed on the file: \(origin)")
        case .unknownFlag, .unexpectedArgument:
            preconditionFailure("the harness passes only --config: \(error)")
        }
    }
    return 0
}
