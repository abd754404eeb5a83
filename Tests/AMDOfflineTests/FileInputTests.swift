import AMDCore
import AMDOffline
import AudioFile
import Foundation
import Testing

/// `FileInput`: reading files, telling captures from audio, and choosing a reader by `--format`.
struct FileInputTests {
    @Test func readsAWholeFile() throws {
        try withTemporaryFolder { folder in
            let bytes: [UInt8] = [0, 1, 2, 255, 254]
            let path = try write(bytes, to: "x.bin", in: folder)
            #expect(try FileInput.read(path) == bytes)
        }
    }

    @Test func missingFileAndFolderAreUnreadable() throws {
        try withTemporaryFolder { folder in
            for (path, expected) in [(folder + "/missing.wav", "no such file"), (folder, "is a directory")] {
                #expect {
                    try FileInput.read(path)
                } throws: { error in
                    guard case OfflineError.unreadable(let failed, let reason) = error else { return false }
                    return failed == path && reason == expected
                        && (error as? OfflineError)?.description == "\(path): cannot read: \(expected)"
                }
            }
        }
    }

    @Test func looksLikeCaptureKnowsTheMagics() {
        #expect(FileInput.looksLikeCapture([0xD4, 0xC3, 0xB2, 0xA1]))  // pcap, little-endian
        #expect(FileInput.looksLikeCapture([0xA1, 0xB2, 0xC3, 0xD4]))  // pcap, big-endian
        #expect(FileInput.looksLikeCapture([0x4D, 0x3C, 0xB2, 0xA1]))  // pcap, nanoseconds, little-endian
        #expect(FileInput.looksLikeCapture([0x0A, 0x0D, 0x0D, 0x0A, 0, 0]))  // pcapng
        #expect(!FileInput.looksLikeCapture(Array("RIFF....WAVE".utf8)))
        #expect(!FileInput.looksLikeCapture([0xD4, 0xC3, 0xB2]))
    }

    @Test func rawFormatsUseTheirEncodingAndDefaultRate() throws {
        let bytes: [UInt8] = [1, 2, 3, 4]
        let mulaw = try FileInput.clip(path: "a", bytes: bytes, format: .mulaw, rate: nil)
        #expect(mulaw.encoding == .muLaw && mulaw.sampleRate == 8000 && mulaw.sampleCount == 4)
        let alaw = try FileInput.clip(path: "a", bytes: bytes, format: .alaw, rate: 16000)
        #expect(alaw.encoding == .aLaw && alaw.sampleRate == 16000)
        let pcm = try FileInput.clip(path: "a", bytes: bytes, format: .s16le, rate: nil)
        #expect(pcm.encoding == .linear16 && pcm.sampleRate == 16000 && pcm.sampleCount == 2)
    }

    @Test(arguments: [FileFormat.auto, .wav])
    func wavFormatsParseTheHeader(format: FileFormat) throws {
        let clip = try FileInput.clip(
            path: "a.wav", bytes: wavFile([1, 2, 3], rate: 8000), format: format, rate: 16000)
        #expect(clip.sampleRate == 8000)  // the header's rate, not --rate
        #expect(clip.sampleCount == 3)
    }

    @Test func badAudioNamesTheFile() {
        #expect {
            try FileInput.clip(path: "calls/odd.raw", bytes: [1, 2, 3], format: .s16le, rate: 8000)
        } throws: { error in
            guard case OfflineError.badAudio(let path, .partialSample(3, 2)) = error else { return false }
            return path == "calls/odd.raw" && "\(error)".hasPrefix("calls/odd.raw: raw audio of 3 bytes")
        }
    }

    @Test func modelFileIsReadAndValidated() throws {
        try withTemporaryFolder { folder in
            let good = try write(Array(try BeepModel.default.jsonData()), to: "good.json", in: folder)
            #expect(try FileInput.model(path: good) == BeepModel.default)
            let bad = try write("{}", to: "bad.json", in: folder)
            #expect {
                try FileInput.model(path: bad)
            } throws: { error in
                guard case OfflineError.badModel(let path, .malformed(let message)) = error else { return false }
                return path == bad && message.contains("missing field")
            }
        }
    }
}
