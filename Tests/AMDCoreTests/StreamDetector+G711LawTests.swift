import AMDCore
import Foundation
import Testing

/// A µ-law detector given A-law bytes (a stream that switched law mid-call) hears what an A-law detector hears.
struct StreamDetectorG711LawTests {
    /// The repository's sample call (a voicemail greeting, then a beep), as A-law bytes at 8 kHz.
    func aLawCall() throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let wav = try [UInt8](Data(contentsOf: root.appendingPathComponent("Samples/voicemail-beep.wav")))
        // A µ-law WAV: its samples follow the 8-byte header of the `data` chunk.
        let data = try #require(wav.indices.dropLast(8).first { wav[$0..<($0 + 4)].elementsEqual("data".utf8) })
        return wav[(data + 8)...].map { G711.linearToALaw(G711.muLawToLinear($0)) }
    }

    /// Every output of `feed` on a fresh detector of `encoding`, described, in order.
    func outputs(
        _ encoding: AudioEncoding, _ feed: (inout StreamDetector, (BeepDetector.Output) -> Void) -> Void
    ) throws -> [String] {
        var detector = try StreamDetector(encoding: encoding, sampleRate: 8000)
        var outputs: [String] = []
        feed(&detector) { outputs.append("\($0)") }
        outputs.append("stream time \(detector.streamTimeMs) ms")
        return outputs
    }

    @Test func theOtherLawIsDecodedInTheSamePieces() throws {
        let bytes = try aLawCall()
        // Fed in 160-byte packets and in one 1,500-byte-and-more piece: the other law takes the same path.
        for packet in [160, bytes.count] {
            let native = try outputs(.aLaw) { detector, onOutput in
                for start in stride(from: 0, to: bytes.count, by: packet) {
                    bytes[start..<min(bytes.count, start + packet)].withUnsafeBytes {
                        detector.process($0, onOutput: onOutput)
                    }
                }
            }
            let switched = try outputs(.muLaw) { detector, onOutput in
                for start in stride(from: 0, to: bytes.count, by: packet) {
                    bytes[start..<min(bytes.count, start + packet)].withUnsafeBytes {
                        detector.process($0, law: .aLaw, onOutput: onOutput)
                    }
                }
            }
            #expect(switched == native, "\(packet)-byte pieces")
            #expect(native.contains { $0.hasPrefix("beep") }, "the call's beep is found")
        }
    }
}
