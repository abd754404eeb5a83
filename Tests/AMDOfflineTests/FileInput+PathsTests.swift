import AMDOffline
import Foundation
import Testing

struct FileInputPathsTests {
    @Test func folderOfAPathIsWhatNSStringGives() {
        for path in ["a/b/c.wav", "c.wav", "/c.wav", "/", "a/b/", "/srv/corpus/manifest.jsonl", "./x", ""] {
            #expect(FileInput.folder(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
    }

    @Test func pathInFolderJoinsWithOneSlash() {
        #expect(FileInput.path("x.wav", inFolder: "") == "x.wav")
        #expect(FileInput.path("x.wav", inFolder: "/") == "/x.wav")
        #expect(FileInput.path("x.wav", inFolder: "calls/") == "calls/x.wav")
        #expect(FileInput.path("x.wav", inFolder: "calls") == "calls/x.wav")
    }

    @Test func listedFilesAreRelativeToTheListUnlessAbsolute() {
        #expect(FileInput.path("a/x.wav", listedIn: "/srv/corpus/manifest.jsonl") == "/srv/corpus/a/x.wav")
        #expect(FileInput.path("x.wav", listedIn: "manifest.jsonl") == "x.wav")
        #expect(FileInput.path("/abs/x.wav", listedIn: "/srv/corpus/manifest.jsonl") == "/abs/x.wav")
    }
}
