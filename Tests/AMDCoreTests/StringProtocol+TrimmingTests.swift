import AMDCore
import Testing

struct StringProtocolTrimmingTests {
    @Test func dropsWhitespaceAndLineBreaksAtBothEndsOnly() {
        #expect(" \t audio/l16 \r\n".trimmingWhitespace() == "audio/l16")
        #expect("rate = 8000"[...].trimmingWhitespace() == "rate = 8000")
        #expect("\u{00A0}x\u{2003}".trimmingWhitespace() == "x")
    }

    @Test func allWhitespaceOrEmptyGivesEmpty() {
        #expect("".trimmingWhitespace() == "")
        #expect(" \n\t ".trimmingWhitespace() == "")
    }
}
