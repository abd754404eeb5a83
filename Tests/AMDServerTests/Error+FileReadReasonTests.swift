import AMDServer
import Foundation
import Testing

struct ErrorFileReadReasonTests {
    @Test func aMissingFileSaysSo() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("amd-edge-\(UUID().uuidString)")
        let error = try #require(throws: (any Error).self) { try Data(contentsOf: missing) }
        #expect(error.fileReadReason == "No such file or directory")
    }

    @Test func aFolderIsNotReadableAsAFile() throws {
        let error = try #require(throws: (any Error).self) {
            try Data(contentsOf: FileManager.default.temporaryDirectory)
        }
        #expect(error.fileReadReason == "Is a directory")
    }

    @Test func otherErrorsGiveTheirDescription() {
        struct Odd: Error, CustomStringConvertible { var description: String { "odd" } }
        #expect(Odd().fileReadReason == "odd")
    }
}
