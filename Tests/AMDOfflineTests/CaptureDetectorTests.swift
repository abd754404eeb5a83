import AMDCore
import AMDOffline
import Foundation
import Testing

/// `CaptureDetector`: RTP streams of a pcap through the daemon's reassembly and pipeline.
struct CaptureDetectorTests {
    /// FreeSWITCH's milliwatt (a 1004 Hz tone) sent as PCMU: the tone sounds from the stream's first packet.
    @Test func milliwattCaptureHasOneStreamAndNoBeep() throws {
        let path = try fixturePath("milliwatt.pcmu.rtp.pcap")
        let bytes = try FileInput.read(path)
        #expect(FileInput.looksLikeCapture(bytes))
        var debug: [String] = []
        let lines = try CaptureDetector.lines(file: "milliwatt.pcap", bytes: bytes, model: .default) {
            debug.append($0)
        }
        try #require(lines.count == 2, "lines: \(lines)")
        // A steady tone is nobody speaking: the answer stays undecided until the stream ends.
        let answer = try object(lines[0])
        #expect(answer["event"] as? String == "answer")
        #expect(answer["stream"] as? String == "192.168.0.2:26264/61dcf074")
        #expect(answer["answered_by"] as? String == "unknown")
        #expect(answer["cause"] as? String == "stream_ended")
        let end = try object(lines[1])
        #expect(keys(ofJSONLine: lines[1]) == ["file", "stream", "event", "duration_ms"])
        #expect(end["file"] as? String == "milliwatt.pcap")
        #expect(end["stream"] as? String == "192.168.0.2:26264/61dcf074")
        #expect(end["event"] as? String == "end")
        #expect(end["duration_ms"] as? Int == 4660)
        // The tone is seen and rejected because it was already sounding, and the debug hook hears why.
        #expect(debug.contains { $0.hasPrefix("milliwatt.pcap 192.168.0.2:26264/61dcf074: tone rejected: ") })
        #expect(debug.contains { $0.contains("onset_unseen") }, "debug: \(debug)")
    }

    @Test(arguments: [
        Array("this is not a capture at all".utf8),
        [0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00],  // pcap magic, then nothing
        [UInt8](),
    ])
    func garbageIsABadCapture(bytes: [UInt8]) {
        #expect {
            try CaptureDetector.lines(file: "garbage.pcap", bytes: bytes, model: .default, debug: { _ in })
        } throws: { error in
            guard case OfflineError.badCapture(let path, let reason) = error else { return false }
            return path == "garbage.pcap" && !reason.isEmpty
                && (error as? OfflineError)?.description.hasPrefix("garbage.pcap: ") == true
        }
    }
}
