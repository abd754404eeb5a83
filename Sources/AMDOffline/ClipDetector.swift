public import AMDCore
public import AudioFile

/// Runs a whole clip through the same pipeline the daemon uses, as fast as the CPU allows.
public enum ClipDetector {
    /// Every beep the pipeline reports for `clip`, in order; every output (beeps, answer decision, machine end,
    /// rejections, scored tones, and those the stream's end brings) also goes to `onOutput` as it comes.
    /// - Throws: ``StreamDetectorError`` when no pipeline fits the clip's rate.
    public static func run(
        _ clip: AudioClip,
        model: ValidatedModel,
        onOutput: (BeepDetector.Output) -> Void = { _ in }
    ) throws(StreamDetectorError) -> [BeepEvent] {
        var pipeline = try StreamDetector(encoding: clip.encoding, sampleRate: clip.sampleRate, validated: model)
        var events: [BeepEvent] = []
        clip.data.withUnsafeBytes { bytes in
            // Feed 20 ms packets, as the network would.
            let step = clip.sampleRate / 50 * clip.encoding.bytesPerSample
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                pipeline.process(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { output in
                    if let event = output.beep { events.append(event) }
                    onOutput(output)
                }
                offset = end
            }
        }
        pipeline.finish(onOutput: onOutput)
        return events
    }

    /// The JSON line `detect` prints for a beep.
    public static func line(file: String, stream: String? = nil, event: BeepEvent) -> String {
        var json = JSONLine()
        json.add("file", file)
        if let stream { json.add("stream", stream) }
        json.add("event", "beep")
        json.add("onset_ms", event.onsetMs)
        json.add("detected_ms", event.detectedMs)
        json.add("frequency_hz", event.frequencyHz, decimals: 1)
        json.add("confidence", event.confidence, decimals: 3)
        return json.line
    }

    /// The JSON line `detect` prints after each file (or stream).
    public static func endLine(file: String, stream: String? = nil, durationMs: Int64) -> String {
        var json = JSONLine()
        json.add("file", file)
        if let stream { json.add("stream", stream) }
        json.add("event", "end")
        json.add("duration_ms", durationMs)
        return json.line
    }
}
