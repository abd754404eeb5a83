import AMDCore
import AMDOffline
import ArgumentParser
import AudioFile
import FoundationEssentials

/// `amd-edge detect`: runs files through the daemon's detector and prints JSON Lines.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect beeps and who answered in audio files or RTP captures; prints JSON Lines.",
        discussion: """
            WAV files (16-bit PCM at 8/16/44.1/48 kHz, G.711 µ-law/A-law), raw audio with --format/--rate, and \
            pcap/pcapng captures of RTP (one set of lines per stream, with a "stream" field). Each file or stream \
            gets a line per beep, one "answer" line (who answered: human, machine, fax or unknown), a \
            "machine_end" line on machines (how the greeting ended: beep, silence or other), and an "end" line. \
            Bad input is reported on stderr and the other files are still processed; the exit status is then 1.
            """
    )

    @OptionGroup var model: ModelOption

    @OptionGroup var audio: AudioFormatOptions

    @Flag(help: "Log each beep-like tone the detector rejects, and why, on stderr.")
    var debug = false

    @Argument(help: "Files to read.")
    var files: [String]

    func run() throws {
        let model = try model.load()
        let format = audio.fileFormat
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
                let clip = try FileInput.clip(path: file, bytes: bytes, format: format, rate: audio.rate)
                var lines: [String] = []
                do {
                    _ = try ClipDetector.run(clip, model: model) { output in
                        if let line = ClipDetector.line(file: file, output: output) { lines.append(line) }
                        if let rejection = output.rejection { log("\(file): \(rejection)") }
                    }
                } catch {
                    throw OfflineError.pipeline(path: file, error)
                }
                for line in lines { print(line) }
                print(ClipDetector.endLine(file: file, durationMs: clip.durationMs))
            } catch let error as OfflineError {
                failed = true
                StandardError.write("amd-edge detect: \(error.description)\n")
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func log(_ line: String) {
        if debug { StandardError.write("debug: \(line)\n") }
    }
}
