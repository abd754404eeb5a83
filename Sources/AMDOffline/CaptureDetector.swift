public import AMDCore
import RTP

/// Runs the RTP streams of a pcap or pcapng capture through the detector, with the daemon's own reassembly.
///
/// Each stream (source address, port, SSRC) gets its own pipeline; stream time follows RTP timestamps, so gaps,
/// losses and comfort noise become silence exactly as on the live path.
public enum CaptureDetector {
    /// One RTP stream of a capture as linear samples at ``RTPAudioCodec/clockRateHz``: G.711 decoded, gaps, losses
    /// and comfort noise as silence, the same timeline ``lines(file:bytes:model:debug:)`` gives the detector.
    ///
    /// `stream` names the stream as `detect` prints it (``RTP/RTPStreamKey/description``); `nil` takes the first
    /// audio stream. Throws ``OfflineError/badCapture(path:reason:)`` for a file that is not a readable capture, one
    /// without audio streams, or one without the stream named (the message lists the streams it has).
    public static func samples(file: String, bytes: [UInt8], stream name: String?) throws(OfflineError) -> [Int16] {
        var demuxer = RTPCaptureDemuxer()
        let streams: [RTPCaptureStream]
        do {
            streams = try demuxer.streams(in: bytes).filter { $0.codec != nil }
        } catch {
            throw .badCapture(path: file, reason: "\(error)")
        }
        guard !streams.isEmpty else { throw .badCapture(path: file, reason: "holds no G.711 RTP stream") }
        guard let stream = streams.first(where: { name == nil || $0.key.description == name }) else {
            let names = streams.map { "\"\($0.key.description)\"" }.joined(separator: ", ")
            throw .badCapture(path: file, reason: "has no stream \"\(name ?? "")\"; its streams are \(names)")
        }
        var samples: [Int16] = []
        for event in stream.events {
            switch event {
            case .audio(let codec, let payload):
                let start = samples.count
                samples.append(contentsOf: repeatElement(0, count: payload.count))
                payload.withUnsafeBytes { raw in
                    samples.withUnsafeMutableBufferPointer {
                        _ = G711.decode(
                            raw, encoding: codec == .pcma ? .aLaw : .muLaw,
                            into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
                    }
                }
            case .silence(let count):
                samples.append(contentsOf: repeatElement(0, count: max(0, count)))
            case .dtmf:
                break
            }
        }
        return samples
    }

    /// The `detect` lines for every RTP stream of a capture, stream by stream in order of first appearance.
    /// - Throws: ``OfflineError/badCapture(path:reason:)`` for a file that is not a readable capture.
    public static func lines(
        file: String, bytes: [UInt8], model: ValidatedModel, debug: @escaping (String) -> Void
    )
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
                pipeline = try StreamDetector(
                    encoding: .linear16, sampleRate: RTPAudioCodec.clockRateHz, validated: model)
            } catch {
                throw .pipeline(path: file, error)
            }
            var events: [String] = []
            let onOutput: (BeepDetector.Output) -> Void = { output in
                if let line = ClipDetector.line(file: file, stream: name, output: output) { events.append(line) }
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
            pipeline.finish(onOutput: onOutput)
            lines.append(contentsOf: events)
            lines.append(ClipDetector.endLine(file: file, stream: name, durationMs: pipeline.streamTimeMs))
        }
        return lines
    }
}
