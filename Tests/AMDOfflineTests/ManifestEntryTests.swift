import AMDOffline
import Foundation
import Testing

/// `ManifestEntry.load`: JSON Lines manifests as the corpus writes them, and the faults it names.
struct ManifestEntryTests {
    /// The line and reason of a `badManifest` error, or nil for any other outcome.
    private func badManifest(_ path: String) -> (line: Int, reason: String, path: String)? {
        do {
            _ = try ManifestEntry.load(path: path)
            return nil
        } catch {
            guard case .badManifest(let path, let line, let reason) = error else { return nil }
            return (line, reason, path)
        }
    }

    @Test func loadsEntriesInOrderSkippingBlankLines() throws {
        try withTemporaryFolder { folder in
            let text = """
                {"id": "dev-0000", "file": "calls/dev-0000.wav", "kind": "human", "beep_onset_s": null, "beep_end_s": null, "beep_freqs_hz": null, "snr_db": 13.3, "codec": "g711_ulaw"}

                   \r
                {"id": "dev-0001", "file": "calls/dev-0001.wav", "kind": "machine_beep", "beep_onset_s": 9.25, "beep_end_s": 9.75, "beep_freqs_hz": [1000, 1400]}\r
                {"file": "calls/x.wav", "kind": "dtmf"}

                """
            let path = try write(text, to: "manifest.jsonl", in: folder)
            let entries = try ManifestEntry.load(path: path)
            #expect(entries.count == 3)
            #expect(entries.map(\.id) == ["dev-0000", "dev-0001", nil])
            #expect(entries.map(\.kind) == ["human", "machine_beep", "dtmf"])
            #expect(entries[0].file == "calls/dev-0000.wav")
            #expect(entries[0].beepOnsetS == nil)
            #expect(entries[0].hasBeep == false)
            #expect(entries[1].beepOnsetS == 9.25)
            #expect(entries[1].beepEndS == 9.75)
            #expect(entries[1].beepFreqsHz == [1000, 1400])
            #expect(entries[1].hasBeep)
            #expect(entries[2].hasBeep == false)
        }
    }

    @Test func emptyManifestHasNoEntries() throws {
        try withTemporaryFolder { folder in
            let path = try write("\n\n", to: "m.jsonl", in: folder)
            #expect(try ManifestEntry.load(path: path).isEmpty)
        }
    }

    @Test func malformedLineIsNamedByItsOneBasedNumber() throws {
        try withTemporaryFolder { folder in
            let text = """
                {"file": "a.wav", "kind": "human"}

                {"file": "b.wav", "kind": "human"
                {"file": "c.wav", "kind": "human"}
                """
            let path = try write(text, to: "manifest.jsonl", in: folder)
            let fault = try #require(badManifest(path))
            #expect(fault.line == 3)
            #expect(fault.path == path)
            #expect(fault.reason.contains("not a manifest entry"))
            let description = OfflineError.badManifest(path: path, line: fault.line, reason: fault.reason).description
            #expect(description.hasPrefix("\(path):3: "))
        }
    }

    @Test(arguments: [
        #"{"kind": "human"}"#,  // no file
        #"{"file": "a.wav"}"#,  // no kind
        #"{"file": 12, "kind": "human"}"#,  // file not a string
        #"{"file": "a.wav", "kind": "machine_beep", "beep_onset_s": "9"}"#,  // onset not a number
        #"["a.wav", "human"]"#,  // not an object
    ])
    func lineThatIsNotAnEntryIsRejected(line: String) throws {
        try withTemporaryFolder { folder in
            let path = try write(
                #"{"file": "ok.wav", "kind": "human"}"# + "\n" + line + "\n", to: "m.jsonl", in: folder)
            let fault = try #require(badManifest(path))
            #expect(fault.line == 2)
        }
    }

    @Test(arguments: [
        #"{"file": "a.wav", "kind": "machine_beep"}"#,
        #"{"file": "a.wav", "kind": "machine_beep", "beep_onset_s": 9.0}"#,
        #"{"file": "a.wav", "kind": "machine_beep", "beep_end_s": 9.5}"#,
        #"{"file": "a.wav", "kind": "machine_beep", "beep_onset_s": null, "beep_end_s": null}"#,
    ])
    func machineBeepWithoutTimesIsRejected(line: String) throws {
        try withTemporaryFolder { folder in
            let path = try write("\n" + line, to: "m.jsonl", in: folder)
            let fault = try #require(badManifest(path))
            #expect(fault.line == 2)
            #expect(fault.reason == "machine_beep without beep times")
        }
    }

    @Test func missingManifestIsUnreadable() {
        #expect {
            try ManifestEntry.load(path: "/nonexistent/amd-edge/manifest.jsonl")
        } throws: { error in
            guard case OfflineError.unreadable(let path, let reason) = error else { return false }
            return path == "/nonexistent/amd-edge/manifest.jsonl" && reason == "no such file"
        }
    }

    @Test func folderIsNotAManifest() throws {
        try withTemporaryFolder { folder in
            #expect {
                try ManifestEntry.load(path: folder)
            } throws: { error in
                guard case OfflineError.unreadable(_, let reason) = error else { return false }
                return reason == "is a directory"
            }
        }
    }
}
