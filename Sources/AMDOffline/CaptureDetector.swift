public import AMDCore
import RTP

/// Runs the RTP streams of a pcap or pcapng capture through the detector, with the daemon's own reassembly.
///
/// Each stream (source address, port, SSRC) gets its own pipeline; stream time follows RTP timestamps, so gaps,
/// losses and comfort noise become silence exactly as on the live path.
public enum CaptureDetector {
    /// The `detect` lines for every RTP stream of a capture, stream by stream in order of first appearance.
    /// - Throws: ``OfflineError/badCapture(path:reason:)`` for a file that is not a readable capture.
    public static func lines(file: String, bytes: [UInt8], model: BeepModel, debug: @escaping (String) -> Void)
        throws(OfflineError) -> [String]
    {
        var demuxer = RTPCaptureDemuxer()
        let streams: [RTPCaptureStream]
        do {
            streams = try demuxer.streams(in: bytes)
        } catch {
            throw .badCapture(path: file, reason: "\(error)")
        }
        var lines: [String] = []
        for stream in streams where stream.codec != nil {
            let name = stream.key.description
            var pipeline: StreamDetector
            do {
                pipeline = try StreamDetector(encoding: .linear16, sampleRate: RTPAudioCodec.clockRateHz, model: model)
            } catch {
                throw .pipeline(path: file, error)
            }
            var events: [BeepEvent] = []
            let onOutput: (BeepDetector.Output) -> Void = { output in
                if let event = output.beep { events.append(event) }
                if let rejection = output.rejection { debug("\(file) \(name): \(rejection)") }
            }
            var decoded: [Int16] = []
            for event in stream.events {
                switch event {
                case .audio(let codec, let payload):
                    decoded = [Int16](repeating: 0, count: payload.count)
                    payload.withUnsafeBytes { raw in
                        decoded.withUnsafeMutableBufferPointer {
                            _ = G711.decode(raw, encoding: codec == .pcma ? .aLaw : .muLaw, into: $0)
                        }
                    }
                    decoded.withUnsafeBufferPointer {
                        pipeline.process(samples: $0, onOutput: onOutput)
                    }
                case .silence(let samples):
                    pipeline.processSilence(sampleCount: samples, onOutput: onOutput)
                case .dtmf:
                    break
                }
            }
            for event in events { lines.append(ClipDetector.line(file: file, stream: name, event: event)) }
            lines.append(ClipDetector.endLine(file: file, stream: name, durationMs: pipeline.streamTimeMs))
        }
        return lines
    }
}
