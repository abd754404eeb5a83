import AMDCore
import Foundation
import Testing

@testable import AMDOffline

/// `Evaluation.writeHTMLReport`: the page's content and links, and the page in a real headless Chromium.
struct EvaluationHTMLReportTests {
    /// An evaluation with every outcome: a hit, an early alarm and a false alarm on the sample voicemail, a miss and
    /// a correct reject on silence. Returns the manifest's path.
    static func manifest(in folder: String) throws -> String {
        try write(wavFile(Signal.silence(seconds: 2), rate: 8000), to: "calls/silence.wav", in: folder)
        let lines = [
            #"{"id":"hit-1","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":9.0,"beep_end_s":9.6}"#,
            #"{"id":"early-1","file":"\#(samplePath)","kind":"machine_beep","beep_onset_s":10.0,"beep_end_s":10.5}"#,
            #"{"id":"miss/1","file":"calls/silence.wav","kind":"machine_beep","beep_onset_s":1.0,"beep_end_s":1.5}"#,
            #"{"id":"fa-1","file":"\#(samplePath)","kind":"human"}"#,
            #"{"id":"ok-1","file":"calls/silence.wav","kind":"dtmf"}"#,
        ]
        return try write(lines.joined(separator: "\n") + "\n", to: "manifest.jsonl", in: folder)
    }

    @Test func thePageListsEveryWrongCallWithItsPicture() throws {
        try withTemporaryFolder { folder in
            let manifest = try Self.manifest(in: folder)
            let evaluation = try Evaluation.run(manifest: manifest, model: .default)
            #expect(evaluation.results.map(\.outcome) == [.hit, .early, .miss, .falseAlarm, .correctReject])
            let report = folder + "/report"
            let pictures = try evaluation.writeHTMLReport(folder: report, manifest: manifest, model: .default)
            #expect(pictures.map { ($0 as NSString).lastPathComponent } == ["early-1.svg", "miss_1.svg", "fa-1.svg"])
            let page = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
            for section in [
                "id=\"summary\"", "id=\"answer-confusion\"", "id=\"false-alarms\"", "id=\"latency\"",
                "id=\"wrong\"", "Misses, early alarms and false alarms (3)",
            ] {
                #expect(page.contains(section), "the page lacks \(section)")
            }
            for link in ["calls/early-1.svg", "calls/miss_1.svg", "calls/fa-1.svg"] {
                #expect(page.contains("href=\"\(link)\""))
                #expect(FileManager.default.fileExists(atPath: report + "/" + link))
            }
            #expect(!page.contains("hit-1") && !page.contains("ok-1"), "only wrong calls are listed")
            // A miss's picture shows where the label puts the beep; a false alarm's has none.
            let miss = try String(contentsOfFile: report + "/calls/miss_1.svg", encoding: .utf8)
            #expect(miss.contains("labelled beep") && miss.contains("miss/1 — machine_beep, miss"))
            let falseAlarm = try String(contentsOfFile: report + "/calls/fa-1.svg", encoding: .utf8)
            #expect(!falseAlarm.contains("labelled beep"))
            // Self-contained: nothing to fetch, nothing to run.
            for external in ["<script", "src=\"http", "href=\"http", "@import", "url("] {
                #expect(!page.contains(external), "the page holds \(external)")
            }
            // The false-alarm bars: human 1 of 1, dtmf 0 of 1.
            #expect(page.contains("100.0 % (1/1)") && page.contains("0.0 % (0/1)"))
        }
    }

    /// Runs headless Chromium on `url` with console logging to stderr; returns the console lines it logged and
    /// its standard output.
    ///
    /// Output goes to files and the exit is awaited through the termination handler, so no thread of the
    /// concurrency pool is held while the browser runs (other suites need them on a 2-core machine).
    static func chromium(_ arguments: [String], url: URL) async throws -> (console: [String], output: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("amd-edge-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout")
        let errPath = scratch.appendingPathComponent("stderr")
        try #require(FileManager.default.createFile(atPath: outPath.path, contents: nil))
        try #require(FileManager.default.createFile(atPath: errPath.path, contents: nil))
        let out = try FileHandle(forWritingTo: outPath)
        let err = try FileHandle(forWritingTo: errPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            ] + arguments + [url.absoluteString]
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (exited: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in exited.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                exited.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        #expect(process.terminationStatus == 0, "chromium \(arguments) exited with \(process.terminationStatus)")
        let console = String(decoding: try Data(contentsOf: errPath), as: UTF8.self).split(separator: "\n")
            .filter { $0.contains(":CONSOLE") }.map(String.init)
        return (console, String(decoding: try Data(contentsOf: outPath), as: UTF8.self))
    }

    /// Width and height of a PNG file, from its IHDR chunk.
    static func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(bytes.count > 24 && bytes[12..<16].elementsEqual("IHDR".utf8))
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (u32(16), u32(20))
    }

    @Test(.timeLimit(.minutes(3)))
    func theReportRendersInHeadlessChromiumWithoutConsoleErrors() async throws {
        let folder = "/tmp/amd-edge-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let manifest = try Self.manifest(in: folder)
        let evaluation = try Evaluation.run(manifest: manifest, model: .default)
        let report = folder + "/report"
        let pictures = try evaluation.writeHTMLReport(folder: report, manifest: manifest, model: .default)
        let page = URL(fileURLWithPath: report + "/index.html")

        // The check can fail: a page that logs to the console is caught.
        let broken = try write(
            "<!DOCTYPE html><html><body><script>console.error('broken')</script></body></html>",
            to: "broken.html", in: folder)
        let control = try await Self.chromium(["--dump-dom"], url: URL(fileURLWithPath: broken))
        #expect(control.console.contains { $0.contains("broken") }, "console errors are not seen: \(control)")

        let screenshot = folder + "/report.png"
        let shot = try await Self.chromium(["--screenshot=\(screenshot)", "--window-size=1100,2000"], url: page)
        #expect(shot.console.isEmpty, "console: \(shot.console)")
        let size = try Self.pngSize(screenshot)
        #expect(size.width == 1100 && size.height == 2000)
        // A blank page compresses to a few kB; the tables and charts do not.
        let bytes = try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int ?? 0
        #expect(bytes > 40_000, "screenshot of \(bytes) bytes")

        let dom = try await Self.chromium(["--dump-dom"], url: page)
        #expect(dom.console.isEmpty, "console: \(dom.console)")
        #expect(dom.output.contains("<table class=\"summary\">") && dom.output.contains("href=\"calls/fa-1.svg\""))
        // Every linked picture renders as SVG, not as an XML error page.
        for picture in pictures {
            let rendered = try await Self.chromium(["--dump-dom"], url: URL(fileURLWithPath: picture))
            #expect(rendered.console.isEmpty, "\(picture): \(rendered.console)")
            #expect(rendered.output.contains("<svg") && !rendered.output.contains("parsererror"), "\(picture)")
        }
        if let keep = ProcessInfo.processInfo.environment["AMD_EDGE_KEEP_REPORT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: folder, toPath: keep)
        }
    }
}
