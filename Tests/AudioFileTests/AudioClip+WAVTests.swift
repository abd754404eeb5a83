import AMDCore
import AudioFile
import Foundation
import Testing

/// `AudioClip(wav:)`: every format it reads, every fault it reports, and the real fixtures against Python's `wave`.
struct AudioClipWAVTests {
    private func wavError(_ bytes: [UInt8]) -> AudioFileError? {
        do {
            _ = try AudioClip(wav: bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: formats

    @Test func pcm16Mono() throws {
        let samples: [Int16] = [0, 1, -1, 1234, -32768, 32767]
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, rate: 8000, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16(samples)),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.encoding == .linear16)
        #expect(clip.sampleRate == 8000)
        #expect(clip.sampleCount == samples.count)
        #expect(clip.data == WAVBytes.pcm16(samples))
    }

    @Test func pcm16StereoKeepsTheFirstChannel() throws {
        let left: [Int16] = [100, -200, 300, -400]
        let right: [Int16] = [-1, -2, -3, -4]
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, channels: 2, rate: 16000, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16(interleaved)),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.sampleRate == 16000)
        #expect(clip.sampleCount == 4)
        #expect(clip.data == WAVBytes.pcm16(left))
    }

    @Test func muLawStereoKeepsTheFirstChannel() throws {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 7, channels: 2, bits: 8, extra: WAVBytes.u16(0))),
            WAVBytes.chunk("data", [0x10, 0x90, 0x11, 0x91, 0x12, 0x92]),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.encoding == .muLaw)
        #expect(clip.data == [0x10, 0x11, 0x12])
    }

    @Test(arguments: [(7, AudioEncoding.muLaw), (6, AudioEncoding.aLaw)])
    func g711WithFactChunk(tag: Int, encoding: AudioEncoding) throws {
        let payload: [UInt8] = [0xFF, 0x7F, 0x00, 0x80, 0xD5, 0x55, 0x2A]
        let bytes = WAVBytes.riff([
            // Non-PCM formats carry an 18-byte fmt (cbSize = 0) and a fact chunk with the sample count.
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: tag, rate: 8000, bits: 8, extra: WAVBytes.u16(0))),
            WAVBytes.chunk("fact", WAVBytes.u32(UInt32(payload.count))),
            WAVBytes.chunk("data", payload),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.encoding == encoding)
        #expect(clip.sampleRate == 8000)
        #expect(clip.data == payload)
        #expect(clip.sampleCount == 7)
    }

    @Test func extensibleWithPCMSubformat() throws {
        let samples: [Int16] = [5, -5, 500, -500]
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.extensibleBody(subformat: 1, rate: 48000)),
            WAVBytes.chunk("data", WAVBytes.pcm16(samples)),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.encoding == .linear16)
        #expect(clip.sampleRate == 48000)
        #expect(clip.data == WAVBytes.pcm16(samples))
    }

    @Test func extensibleWithFloatSubformatIsUnsupported() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.extensibleBody(subformat: 3, bits: 32)),
            WAVBytes.chunk("data", [UInt8](repeating: 0, count: 8)),
        ])
        #expect(wavError(bytes) == .unsupportedEncoding(formatTag: 3, bitsPerSample: 32))
    }

    @Test func oddSizedChunksArePadded() throws {
        let samples: [Int16] = [42, -42, 4242]
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("LIST", Array("abc".utf8)),  // 3 bytes + 1 pad byte
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("junk", [1, 2, 3, 4, 5]),  // 5 bytes + 1 pad byte
            WAVBytes.chunk("data", WAVBytes.pcm16(samples)),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.data == WAVBytes.pcm16(samples))
        // Without the pad byte the next chunk id would be read one byte early and no data chunk would be found.
        let unpadded = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("junk", [1, 2, 3], pad: false),
            WAVBytes.chunk("data", WAVBytes.pcm16(samples)),
        ])
        #expect(wavError(unpadded) == .missingChunk("data"))
    }

    @Test(arguments: [UInt32(0), 0xFFFF_FFFF])
    func streamedDataSizeTakesTheRestOfTheFile(declared: UInt32) throws {
        let samples: [Int16] = [1, 2, 3, -4, -5]
        // A trailing odd byte (a partial sample) is dropped.
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, rate: 22050, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16(samples) + [0x7F], declaredSize: declared, pad: false),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.sampleRate == 22050)
        #expect(clip.sampleCount == 5)
        #expect(clip.data == WAVBytes.pcm16(samples))
    }

    @Test func dataShorterThanTheFileKeepsOnlyTheDeclaredBytes() throws {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16([9, 8])),
            WAVBytes.chunk("LIST", [UInt8](repeating: 0x55, count: 10)),
        ])
        let clip = try AudioClip(wav: bytes)
        #expect(clip.data == WAVBytes.pcm16([9, 8]))
    }

    // MARK: faults

    @Test(arguments: [
        [UInt8](),
        Array("RIFF".utf8),
        Array("RIFX\u{0}\u{0}\u{0}\u{0}WAVE".utf8),
        Array("RIFF\u{0}\u{0}\u{0}\u{0}AVI ".utf8),
        Array("ID3 this is an mp3 file, not a wave".utf8),
    ])
    func notRIFFWAVE(bytes: [UInt8]) {
        let error = wavError(bytes)
        #expect(error == .notWAV)
        #expect(error?.description.contains("RIFF/WAVE") == true)
    }

    @Test func missingFmtChunk() {
        let dataOnly = WAVBytes.riff([WAVBytes.chunk("data", WAVBytes.pcm16([1, 2]))])
        #expect(wavError(dataOnly) == .missingChunk("fmt "))
        let empty = WAVBytes.riff([])
        #expect(wavError(empty) == .missingChunk("fmt "))
        #expect(wavError(empty)?.description.contains("'fmt '") == true)
    }

    @Test func missingDataChunk() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("LIST", [0, 0, 0, 0]),
        ])
        let error = wavError(bytes)
        #expect(error == .missingChunk("data"))
        #expect(error?.description.contains("'data'") == true)
    }

    @Test func truncatedData() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16([1, 2, 3]), declaredSize: 1000),
        ])
        let error = wavError(bytes)
        #expect(error == .truncated(atByte: bytes.count))
        #expect(error?.description.contains("truncated at byte \(bytes.count)") == true)
    }

    @Test func truncatedFmt() {
        // The file ends inside the fmt chunk it declares.
        let bytes = Array(WAVBytes.riff([WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16))]).prefix(30))
        #expect(wavError(bytes) == .truncated(atByte: 30))
    }

    @Test func fmtTooShort() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", Array(WAVBytes.fmtBody(tag: 1, bits: 16).prefix(14))),
            WAVBytes.chunk("data", WAVBytes.pcm16([1])),
        ])
        #expect(wavError(bytes) == .truncated(atByte: bytes.count))
    }

    @Test(arguments: [(1, 8), (1, 24), (1, 32), (3, 32), (7, 16), (6, 16), (2, 4), (0x11, 4)])
    func unsupportedEncoding(tag: Int, bits: Int) {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: tag, bits: bits, blockAlign: max(1, bits / 8))),
            WAVBytes.chunk("data", [UInt8](repeating: 0, count: 8)),
        ])
        let error = wavError(bytes)
        #expect(error == .unsupportedEncoding(formatTag: tag, bitsPerSample: bits))
        #expect(error?.description.contains("format tag \(tag), \(bits) bits per sample") == true)
    }

    @Test(arguments: [12000, 96000, 4000, 0])
    func unsupportedRate(rate: Int) {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, rate: rate, bits: 16)),
            WAVBytes.chunk("data", WAVBytes.pcm16([1, 2])),
        ])
        let error = wavError(bytes)
        #expect(error == .unsupportedLayout(sampleRate: rate, channels: 1))
        #expect(error?.description.contains("\(rate) Hz") == true)
    }

    @Test(arguments: [0, 9])
    func unsupportedChannelCount(channels: Int) {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, channels: channels, bits: 16)),
            WAVBytes.chunk("data", [UInt8](repeating: 0, count: 36)),
        ])
        let error = wavError(bytes)
        #expect(error == .unsupportedLayout(sampleRate: 8000, channels: channels))
        #expect(error?.description.contains("\(channels) channels") == true)
    }

    @Test func blockAlignNotMatchingTheChannelsIsRejected() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, channels: 2, bits: 16, blockAlign: 2)),
            WAVBytes.chunk("data", WAVBytes.pcm16([1, 2, 3, 4])),
        ])
        #expect(wavError(bytes) == .unsupportedLayout(sampleRate: 8000, channels: 2))
    }

    @Test func hugeChunkSizeEndsTheScanWithoutTrapping() {
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmtBody(tag: 1, bits: 16)),
            WAVBytes.chunk("LIST", [0, 0], declaredSize: 0xFFFF_FFFF),
            WAVBytes.chunk("data", WAVBytes.pcm16([1])),
        ])
        #expect(wavError(bytes) == .missingChunk("data"))
    }

    @Test func everyTruncationOfAGoodFileFailsCleanlyOrParses() {
        // No prefix of a valid file may trap; each either parses or throws a typed error.
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.extensibleBody(subformat: 1)),
            WAVBytes.chunk("fact", WAVBytes.u32(3)),
            WAVBytes.chunk("data", WAVBytes.pcm16([1, 2, 3])),
        ])
        var parsed = 0
        for length in 0...bytes.count where (try? AudioClip(wav: Array(bytes.prefix(length)))) != nil {
            parsed += 1
        }
        // Only the whole file parses: every shorter prefix cuts the data chunk it declares.
        #expect(parsed == 1)
    }

    // MARK: real files, checked against Python's wave module

    /// `Fixtures/wav_expectations.json`, written by `tools/fixtures/gen_wav_expectations.py`.
    private struct Expectation: Decodable {
        var rate: Int
        var channels: Int
        var frames: Int
        var firstSamples: [Int16]

        enum CodingKeys: String, CodingKey {
            case rate, channels, frames
            case firstSamples = "first_samples"
        }
    }

    @Test(arguments: ["vm-not_available.wav", "hi.wav"])
    func fixtureAgreesWithPythonWave(name: String) throws {
        let expectations = try JSONDecoder().decode(
            [String: Expectation].self, from: Data(try fixtureBytes("wav_expectations.json")))
        let expected = try #require(expectations[name], "no expectation for \(name)")
        let clip = try AudioClip(wav: try fixtureBytes(name))
        #expect(clip.encoding == .linear16)
        #expect(clip.sampleRate == expected.rate)
        #expect(clip.sampleCount == expected.frames)
        var first = [Int16](repeating: 0, count: expected.firstSamples.count)
        clip.data.withUnsafeBytes { bytes in
            first.withUnsafeMutableBufferPointer { _ = G711.decode(bytes, encoding: .linear16, into: $0) }
        }
        #expect(first == expected.firstSamples)
    }
}
