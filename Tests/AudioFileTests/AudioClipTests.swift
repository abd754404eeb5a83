import AMDCore
import AudioFile
import Testing

/// `AudioClip`: headerless (raw) audio, and the clip's derived sizes.
struct AudioClipTests {
    @Test func rawLinear16KeepsBytesAndCountsSamples() throws {
        let bytes = WAVBytes.pcm16([0, 1, -1, 1000, -32768, 32767, 7, 8])
        let clip = try AudioClip(raw: bytes, encoding: .linear16, sampleRate: 16000)
        #expect(clip.encoding == .linear16)
        #expect(clip.sampleRate == 16000)
        #expect(clip.data == bytes)
        #expect(clip.sampleCount == 8)
    }

    @Test(arguments: [AudioEncoding.muLaw, .aLaw])
    func rawG711TakesAnyByteCount(encoding: AudioEncoding) throws {
        let bytes: [UInt8] = [0xFF, 0x7F, 0x00, 0x80, 0xD5]
        let clip = try AudioClip(raw: bytes, encoding: encoding, sampleRate: 8000)
        #expect(clip.encoding == encoding)
        #expect(clip.sampleCount == 5)
        #expect(clip.data == bytes)
    }

    @Test func rawWithPartialSampleIsRejected() {
        #expect(throws: AudioFileError.partialSample(byteCount: 5, bytesPerSample: 2)) {
            try AudioClip(raw: [1, 2, 3, 4, 5], encoding: .linear16, sampleRate: 8000)
        }
        let error = AudioFileError.partialSample(byteCount: 5, bytesPerSample: 2)
        #expect(error.description.contains("5 bytes"))
        #expect(error.description.contains("2-byte samples"))
    }

    @Test(arguments: [0, 7999, 12000, 96000, -8000])
    func rawAtUnsupportedRateIsRejected(rate: Int) {
        #expect(throws: AudioFileError.unsupportedLayout(sampleRate: rate, channels: 1)) {
            try AudioClip(raw: [0, 0], encoding: .linear16, sampleRate: rate)
        }
    }

    @Test func rawRateIsCheckedBeforeSampleAlignment() {
        // Both faults at once: the rate is reported, as the documented order says.
        #expect(throws: AudioFileError.unsupportedLayout(sampleRate: 12345, channels: 1)) {
            try AudioClip(raw: [1, 2, 3], encoding: .linear16, sampleRate: 12345)
        }
    }

    @Test func emptyRawClipHasNoSamples() throws {
        let clip = try AudioClip(raw: [], encoding: .muLaw, sampleRate: 8000)
        #expect(clip.sampleCount == 0)
        #expect(clip.durationMs == 0)
    }

    @Test func durationIsWholeMillisecondsRoundedDown() {
        // 8000 Hz: 12 samples = 1.5 ms → 1 ms; 16-bit: 32 bytes = 16 samples at 16 kHz = 1 ms.
        #expect(AudioClip(encoding: .muLaw, sampleRate: 8000, data: [UInt8](repeating: 0, count: 12)).durationMs == 1)
        #expect(
            AudioClip(encoding: .linear16, sampleRate: 16000, data: [UInt8](repeating: 0, count: 32)).durationMs == 1)
        #expect(
            AudioClip(encoding: .aLaw, sampleRate: 8000, data: [UInt8](repeating: 0, count: 80_000)).durationMs
                == 10_000)
        #expect(
            AudioClip(encoding: .linear16, sampleRate: 44100, data: [UInt8](repeating: 0, count: 88_200)).durationMs
                == 1000)
    }

    @Test func supportedRatesAreTheResamplersInputs() {
        #expect(AudioClip.supportedRates == [8000, 11025, 16000, 22050, 32000, 44100, 48000])
    }
}
