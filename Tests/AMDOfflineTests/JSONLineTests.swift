import AMDOffline
import Foundation
import Testing

/// `JSONLine`: fixed key order, RFC 8259 string escaping, and compact number formatting.
struct JSONLineTests {
    @Test func emptyObject() {
        #expect(JSONLine().line == "{}")
    }

    @Test func keysStayInTheOrderAdded() {
        var json = JSONLine()
        json.add("zeta", "z")
        json.add("alpha", Int64(1))
        json.add("mid", 2.5)
        json.addRaw("raw", "[1,2]")
        json.add("beta", "b")
        #expect(json.line == #"{"zeta":"z","alpha":1,"mid":2.5,"raw":[1,2],"beta":"b"}"#)
    }

    @Test func stringsAreEscaped() {
        #expect(JSONLine.quoted(#"say "hi""#) == #""say \"hi\"""#)
        #expect(JSONLine.quoted(#"C:\calls\a.wav"#) == #""C:\\calls\\a.wav""#)
        #expect(JSONLine.quoted("a\nb\rc\td") == #""a\nb\rc\td""#)
        #expect(JSONLine.quoted("\u{0}\u{1}\u{8}\u{C}\u{1B}\u{1F}") == #""\u0000\u0001\u0008\u000c\u001b\u001f""#)
        // Not control characters: passed through as they are.
        #expect(JSONLine.quoted("/ \u{7F} é ✓ 😀") == "\"/ \u{7F} é ✓ 😀\"")
    }

    @Test func keysAreEscapedToo() {
        var json = JSONLine()
        json.add("a\"b", "x")
        #expect(json.line == #"{"a\"b":"x"}"#)
    }

    @Test func escapedLinesParseBackToTheSameStrings() throws {
        let nasty = "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} unicode é 😀 \u{2028}"
        var json = JSONLine()
        json.add("file", nasty)
        json.add(nasty, "key")
        let parsed = try object(json.line)
        #expect(parsed["file"] as? String == nasty)
        #expect(parsed[nasty] as? String == "key")
        #expect(!json.line.contains("\n"))
    }

    @Test func numbers() {
        #expect(JSONLine.number(1000) == "1000")
        #expect(JSONLine.number(1004.5) == "1004.5")
        #expect(JSONLine.number(0.97) == "0.97")
        #expect(JSONLine.number(12.0) == "12")
        #expect(JSONLine.number(0) == "0")
        #expect(JSONLine.number(-2.25) == "-2.25")
        #expect(JSONLine.number(0.12349) == "0.123")
        #expect(JSONLine.number(0.9996) == "1")
        #expect(JSONLine.number(-0.0001) == "0")
        #expect(JSONLine.number(999.96, decimals: 1) == "1000")
        #expect(JSONLine.number(1004.46, decimals: 1) == "1004.5")
        #expect(JSONLine.number(7.5, decimals: 0) == "8")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreNull(value: Double) {
        #expect(JSONLine.number(value) == "null")
        var json = JSONLine()
        json.add("x", value)
        #expect(json.line == #"{"x":null}"#)
    }

    @Test func hugeNumbersStayValidJSON() throws {
        var json = JSONLine()
        json.add("big", 1e20)
        json.add("int", Int64.max)
        let parsed = try object(json.line)
        #expect((parsed["big"] as? NSNumber)?.doubleValue == 1e20)
        #expect(json.line.contains("\(Int64.max)"))
    }

    @Test func doubleFieldsUseTheGivenDecimals() {
        var json = JSONLine()
        json.add("frequency_hz", 1000.04, decimals: 1)
        json.add("confidence", 0.99449, decimals: 3)
        json.add("onset_ms", Int64(9066))
        #expect(json.line == #"{"frequency_hz":1000,"confidence":0.994,"onset_ms":9066}"#)
    }
}
