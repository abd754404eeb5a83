import AMDOffline
import ArgumentParser
import FoundationEssentials

/// `amd-edge inspect`: draws one call's decision as an SVG picture.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Draw one call as an SVG: spectrogram, what the line carried, and every tone track judged.",
        discussion: """
            The picture shows the spectrogram (0-4 kHz for 8 kHz audio, 0-8 kHz for 16 kHz and up), a strip of \
            what the detector's front end heard in each 10 ms (silence, speech, music, noise, tone), and every tone \
            track the detector judged, labelled with its decision: the beep with its onset, detection time and \
            confidence, or the reason it was rejected. Input: WAV, raw audio with --format/--rate, or one RTP \
            stream of a pcap/pcapng capture (--stream, as `detect` prints it; the first audio stream by default).
            """
    )

    @OptionGroup var model: ModelOption

    @OptionGroup var audio: AudioFormatOptions

    @Option(help: "The RTP stream of a capture to draw, as `detect` names it (ADDRESS:PORT/SSRC).")
    var stream: String?

    @Option(help: "Where to write the SVG.")
    var output: String

    @Argument(help: "The call: a WAV file, raw audio, or a pcap/pcapng capture.")
    var file: String

    func run() throws {
        let model = try model.load()
        do {
            let inspection = try CallInspection.load(
                path: file, stream: stream, format: audio.fileFormat, rate: audio.rate, model: model)
            let title =
                String(file.split(separator: "/").last ?? Substring(file)) + (stream.map { " — stream \($0)" } ?? "")
            try Data(inspection.svg(title: title).utf8).write(to: URL(fileURLWithPath: output))
        } catch let error as OfflineError {
            StandardError.write("amd-edge inspect: \(error.description)\n")
            throw ExitCode(1)
        } catch {
            StandardError.write("amd-edge inspect: cannot write \(output): \(error)\n")
            throw ExitCode(1)
        }
    }
}
