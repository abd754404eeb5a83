import AMDCore
import AMDOffline
import AudioFile
import Foundation
import Testing

/// `ClipDetector`: whole clips through the daemon's pipeline, and the `detect` lines it formats.
struct ClipDetectorTests {
    private func sampleClip() throws -> AudioClip {
        try AudioClip(wav: try FileInput.read(samplePath))
    }

    /// The µ-law clip decoded to 16-bit PCM, same rate.
    private func linear16(_ clip: AudioClip) -> AudioClip {
        var samples = [Int16](repeating: 0, count: clip.sampleCount)
        clip.data.withUnsafeBytes { bytes in
            samples.withUnsafeMutableBufferPointer { _ = G711.decode(bytes, encoding: clip.encoding, into: $0) }
        }
        let data = samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        return AudioClip(encoding: .linear16, sampleRate: clip.sampleRate, data: data)
    }

    @Test func sampleHasExactlyOneBeepAtItsOnset() throws {
        let clip = try sampleClip()
        #expect(clip.encoding == .muLaw)
        let events = try ClipDetector.run(clip, model: .default)
        try #require(events.count == 1, "events: \(events)")
        let beep = events[0]
        #expect(abs(beep.onsetMs - 9066) <= 40, "onset \(beep.onsetMs) ms")
        #expect(abs(beep.frequencyHz - 1000) <= 5, "frequency \(beep.frequencyHz) Hz")
        #expect(beep.detectedMs > beep.onsetMs)
        #expect(beep.detectedMs <= clip.durationMs)
        #expect(beep.confidence > 0 && beep.confidence <= 1)
    }

    @Test func muLawAndTheSameAudioAsLinearPCMAgree() throws {
        let law = try sampleClip()
        let pcm = linear16(law)
        #expect(pcm.sampleCount == law.sampleCount)
        let lawEvents = try ClipDetector.run(law, model: .default)
        let pcmEvents = try ClipDetector.run(pcm, model: .default)
        try #require(lawEvents.count == 1 && pcmEvents.count == 1, "µ-law \(lawEvents), PCM \(pcmEvents)")
        #expect(abs(lawEvents[0].onsetMs - pcmEvents[0].onsetMs) <= 20)
        #expect(abs(lawEvents[0].frequencyHz - pcmEvents[0].frequencyHz) <= 5)
    }

    @Test func silenceAndNoiseHaveNoBeep() throws {
        let silence = AudioClip(encoding: .linear16, sampleRate: 16000, data: [UInt8](repeating: 0, count: 64_000))
        #expect(try ClipDetector.run(silence, model: .default).isEmpty)
        let noise = try AudioClip(wav: wavFile(Signal.noise(seconds: 3, rate: 8000), rate: 8000))
        #expect(try ClipDetector.run(noise, model: .default).isEmpty)
    }

    @Test func toneFromTheFirstSampleIsNotABeep() throws {
        // Already sounding when the stream starts, with no speech before it: not a voicemail beep.
        let tone = try AudioClip(wav: wavFile(Signal.tone(1000, seconds: 1.5, rate: 8000), rate: 8000))
        var rejections: [ToneRejection] = []
        let events = try ClipDetector.run(tone, model: .default) { output in
            if let rejection = output.rejection { rejections.append(rejection) }
        }
        #expect(events.isEmpty)
        // The rejection is handed to the callback, with its reason.
        #expect(rejections.map(\.reason).contains(.onsetUnseen), "rejections: \(rejections)")
    }

    @Test func unsupportedRateThrows() {
        let clip = AudioClip(encoding: .linear16, sampleRate: 12345, data: [0, 0])
        #expect(throws: StreamDetectorError.unsupportedSampleRate(12345)) {
            try ClipDetector.run(clip, model: .default)
        }
    }

    @Test func beepLineHasTheDocumentedKeysInOrder() throws {
        let event = BeepEvent(onsetMs: 9065, detectedMs: 9150, frequencyHz: 1000.04, confidence: 0.99449)
        let line = ClipDetector.line(file: "Samples/voicemail-beep.wav", event: event)
        #expect(
            line == #"{"file":"Samples/voicemail-beep.wav","event":"beep","onset_ms":9065,"detected_ms":9150,"#
                + #""frequency_hz":1000,"confidence":0.994}"#)
        let withStream = ClipDetector.line(file: "c.pcap", stream: "10.0.0.1:4000/0000abcd", event: event)
        #expect(
            keys(ofJSONLine: withStream) == [
                "file", "stream", "event", "onset_ms", "detected_ms", "frequency_hz", "confidence",
            ])
        #expect(try object(withStream)["stream"] as? String == "10.0.0.1:4000/0000abcd")
    }

    @Test func endLine() throws {
        #expect(
            ClipDetector.endLine(file: "a \"b\".wav", durationMs: 11565)
                == #"{"file":"a \"b\".wav","event":"end","duration_ms":11565}"#)
        let withStream = ClipDetector.endLine(file: "c.pcap", stream: "s", durationMs: 4660)
        #expect(withStream == #"{"file":"c.pcap","stream":"s","event":"end","duration_ms":4660}"#)
    }
}
