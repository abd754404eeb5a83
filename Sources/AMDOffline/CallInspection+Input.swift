public import AMDCore
import AudioFile
import RTP

extension CallInspection {
    /// Inspects the call in the file at `path`: a WAV file, headerless audio (`format`, `rate`), or one RTP stream
    /// of a pcap or pcapng capture (`stream` as `detect` names it; the first audio stream when `nil`).
    /// - Throws: ``OfflineError`` naming the file and what was wrong with it.
    public static func load(
        path: String, stream: String? = nil, format: FileFormat = .auto, rate: Int? = nil, model: ValidatedModel
    ) throws(OfflineError) -> CallInspection {
        let bytes = try FileInput.read(path)
        let samples: [Int16]
        let sampleRate: Int
        if format == .auto, FileInput.looksLikeCapture(bytes) {
            samples = try CaptureDetector.samples(file: path, bytes: bytes, stream: stream)
            sampleRate = RTPAudioCodec.clockRateHz
        } else {
            guard stream == nil else {
                throw .badCapture(path: path, reason: "is not a pcap or pcapng capture, so it has no streams to pick")
            }
            let clip = try FileInput.clip(path: path, bytes: bytes, format: format, rate: rate)
            var linear = [Int16](repeating: 0, count: clip.sampleCount)
            clip.data.withUnsafeBytes { raw in
                linear.withUnsafeMutableBufferPointer { _ = G711.decode(raw, encoding: clip.encoding, into: $0) }
            }
            samples = linear
            sampleRate = clip.sampleRate
        }
        do {
            return try CallInspection(samples: samples, sampleRate: sampleRate, model: model)
        } catch {
            throw .pipeline(path: path, error)
        }
    }
}
