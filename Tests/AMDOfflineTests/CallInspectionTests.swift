import AMDCore
import Foundation
import Testing

@testable import AMDOffline

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `CallInspection`: the analysis behind `inspect` and its SVG, on the sample voicemail, synthetic calls and a pcap.
struct CallInspectionTests {
    /// The sample voicemail inspected once for the tests that read it (the analysis costs seconds in debug builds).
    static let sample = Result { () throws(OfflineError) -> CallInspection in
        try CallInspection.load(path: samplePath, model: .default)
    }

    @Test func theSampleVoicemailShowsItsBeepAndGreeting() throws {
        let inspection = try Self.sample.get()
        #expect(inspection.sampleRate == 8000)
        // 0–4 kHz for 8 kHz audio: 32 ms windows of 256 samples give 129 bins up to 4000 Hz.
        #expect(inspection.topFrequencyHz == 4000 && inspection.spectrogramRows == 129)
        #expect(inspection.spectrogram.count * inspection.columnMs >= Int(inspection.durationMs) - 20)
        let beeps = inspection.decisions.filter { if case .beep = $0.verdict { true } else { false } }
        let beep = try #require(beeps.first, "decisions: \(inspection.decisions)")
        #expect(beeps.count == 1)
        // Samples/voicemail-beep.wav: the beep starts about 9066 ms in, near 1 kHz.
        #expect(abs(beep.onsetMs - 9066) <= 60 && abs(beep.frequencyHz - 1000) < 40)
        #expect(beep.decidedMs > beep.onsetMs)
        // The spectrogram's loudest bin during the beep is the beep's.
        let column = inspection.spectrogram[Int(beep.onsetMs + 150) / inspection.columnMs]
        let loudest = try #require(column.indices.max { column[$0] < column[$1] })
        #expect(abs(Double(loudest) * 8000 / 256 - beep.frequencyHz) < 40)
        // The greeting is speech, the beep a tone, with silence around.
        let frameAt = { (ms: Int64) in inspection.frames[Int(ms) / inspection.frameMs] }
        #expect(frameAt(beep.onsetMs + 100) == .tone)
        #expect(inspection.frames.filter { $0 == .speech }.count > 100, "a greeting of several seconds")
        #expect(inspection.frames.contains(.silence))
    }

    @Test func sixteenKilohertzAudioIsDrawnToEightKilohertz() throws {
        let samples = Signal.silence(seconds: 0.5) + Signal.tone(6000, seconds: 1) + Signal.silence(seconds: 0.5)
        let inspection = try CallInspection(samples: samples, sampleRate: 16000, model: .default)
        #expect(inspection.topFrequencyHz == 8000 && inspection.spectrogramRows == 257)
        #expect(inspection.durationMs == 2000)
        let column = inspection.spectrogram[1000 / inspection.columnMs]
        let loudest = try #require(column.indices.max { column[$0] < column[$1] })
        #expect(abs(Double(loudest) * 16000 / 512 - 6000) < 40)
        // A sine at 0.3 of full scale is about −10.5 dBFS.
        #expect(abs(column[loudest] + 10.5) < 1.5, "\(column[loudest]) dBFS")
        #expect(inspection.spectrogram[100 / inspection.columnMs].allSatisfy { $0 == CallInspection.floorDbfs })
    }

    @Test func aToneWithoutAGreetingIsRejectedAndSaysWhy() throws {
        // A clean 1 kHz beep on a silent line: nobody spoke, so it is no voicemail beep.
        let samples =
            Signal.silence(seconds: 1, rate: 8000) + Signal.tone(1000, seconds: 0.5, rate: 8000)
            + Signal.silence(seconds: 1, rate: 8000)
        let inspection = try CallInspection(samples: samples, sampleRate: 8000, model: .default)
        #expect(inspection.decisions.map(\.reason) == ["no_greeting"], "\(inspection.decisions)")
        let svg = inspection.svg(title: "tone <only> & nothing else")
        #expect(svg.contains("no_greeting"))
        #expect(svg.contains("no beep reported"))
        #expect(svg.contains("tone &lt;only&gt; &amp; nothing else"), "the title is escaped")
    }

    @Test func theSVGIsWellFormedWithAxesAndLabels() throws {
        let inspection = try Self.sample.get()
        let svg = inspection.svg(title: "voicemail-beep.wav")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let labels = [
            "time (s)", "frequency (Hz)", ">4000<", ">0<", "BEEP 1", "onset 9.0", "detected 9.", "confidence",
        ]
        for label in labels {
            #expect(svg.contains(label), "the picture lacks \(label)")
        }
        #expect(svg.contains("data:image/png;base64,iVBORw0KGgo"), "the spectrogram is an embedded PNG")
        for frameClass in CallInspection.FrameClass.allCases {
            #expect(svg.contains(">\(frameClass)<"), "the legend lacks \(frameClass)")
        }
    }

    @Test func aCaptureStreamIsPickedByName() throws {
        let path = try fixturePath("milliwatt.pcmu.rtp.pcap")
        let inspection = try CallInspection.load(path: path, stream: "192.168.0.2:26264/61dcf074", model: .default)
        #expect(inspection.sampleRate == 8000 && inspection.durationMs == 4660)
        #expect(inspection.decisions.contains { $0.reason == "onset_unseen" }, "\(inspection.decisions)")
        #expect {
            _ = try CallInspection.load(path: path, stream: "10.0.0.1:4000/00000001", model: .default)
        } throws: { error in
            "\(error)".contains("has no stream \"10.0.0.1:4000/00000001\"")
                && "\(error)".contains("\"192.168.0.2:26264/61dcf074\"")
        }
        #expect {
            _ = try CallInspection.load(path: samplePath, stream: "192.168.0.2:26264/61dcf074", model: .default)
        } throws: { error in
            "\(error)".contains("is not a pcap or pcapng capture")
        }
    }
}

extension CallInspection.ToneDecision {
    /// The rejection's reason, or `nil` for a beep or a track without a verdict.
    var reason: String? {
        if case .rejected(let reason, _) = verdict { return reason }
        return nil
    }
}
