import AMDCore
import AMDOffline
import ArgumentParser
import AudioFile
import Foundation

/// `amd-edge detect`: runs files through the daemon's detector and prints JSON Lines.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect beeps in audio files or RTP captures; prints one JSON line per beep and per file end.",
        discussion: """
            WAV files (16-bit PCM at 8/16/44.1/48 kHz, G.711 µ-law/A-law), raw audio with --format/--rate, and \
            pcap/pcapng captures of RTP (one set of lines per stream, with a "stream" field). Bad input is \
            reported on stderr and the other files are still processed; the exit status is then 1.
            """
    )

    @OptionGroup var model: ModelOption

    @Option(help: "Input format: \(FileFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: String = "auto"

    @Option(help: "Sample rate of raw input, in Hz.")
    var rate: Int?

    @Flag(help: "Log each beep-like tone the detector rejects, and why, on stderr.")
    var debug = false

    @Argument(help: "Files to read.")
    var files: [String]

    func validate() throws {
        guard FileFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(FileFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let rate, !AudioClip.supportedRates.contains(rate) {
            throw ValidationError("--rate must be one of \(AudioClip.supportedRates.sorted())")
        }
    }

    func run() throws {
        let model = try model.load()
        let format = FileFormat(rawValue: format) ?? .auto
        var failed = false
        for file in files {
            do {
                let bytes = try FileInput.read(file)
                if format == .auto && FileInput.looksLikeCapture(bytes) {
                    for line in try CaptureDetector.lines(file: file, bytes: bytes, model: model, debug: log) {
                        print(line)
                    }
                    continue
                }
                let clip = try FileInput.clip(path: file, bytes: bytes, format: format, rate: rate)
                let events: [BeepEvent]
                do {
                    events = try ClipDetector.run(clip, model: model) { output in
                        if let rejection = output.rejection { log("\(file): \(rejection)") }
                    }
                } catch {
                    throw OfflineError.pipeline(path: file, error)
                }
                for event in events { print(ClipDetector.line(file: file, event: event)) }
                print(ClipDetector.endLine(file: file, durationMs: clip.durationMs))
            } catch let error as OfflineError {
                failed = true
                FileHandle.standardError.write(Data("amd-edge detect: \(error.description)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func log(_ line: String) {
        if debug { FileHandle.standardError.write(Data("debug: \(line)\n".utf8)) }
    }
}
