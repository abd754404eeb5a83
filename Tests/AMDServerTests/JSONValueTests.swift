import AMDServer
import Foundation
import Testing

struct JSONValueTests {
    private func decode(_ text: String) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
    }

    @Test func scalarsBecomeText() throws {
        let object = try decode(#"{"s":"x","i":2,"big":447700900000,"f":2.5,"t":true,"n":null,"a":[1],"o":{"k":1}}"#)
        #expect(object["s"]?.scalarText == "x")
        #expect(object["i"]?.scalarText == "2")
        #expect(object["big"]?.scalarText == "447700900000")
        #expect(object["f"]?.scalarText == "2.5")
        #expect(object["t"]?.scalarText == "true")
        #expect(object["n"]?.scalarText == nil)
        #expect(object["a"] == .array([.number(1)]))
        #expect(object["a"]?.scalarText == nil)
        #expect(object["o"] == .object)
    }

    @Test func stringIsOnlyForStrings() throws {
        let object = try decode(#"{"s":"5","i":5}"#)
        #expect(object["s"]?.string == "5")
        #expect(object["i"]?.string == nil)
    }

    @Test func aTopLevelNonObjectIsRejected() {
        #expect(throws: DecodingError.self) { try decode("[1,2]") }
        #expect(throws: DecodingError.self) { try decode("not json") }
    }
}
