import AMDOffline
import Foundation
import Testing

struct DoubleFixedTests {
    @Test func matchesPrintfRounding() {
        for (value, decimals) in [(12.345, 2), (0.5, 0), (1.5, 0), (2.5, 0), (-3.14159, 3), (99.95, 1), (1e6, 0)] {
            #expect(value.fixed(decimals) == String(format: "%.\(decimals)f", value), "\(value), \(decimals)")
        }
    }

    @Test func handlesNonFiniteAndHugeValues() {
        #expect(Double.infinity.fixed(1) == "inf")
        #expect(Double.nan.fixed(2) == "nan")
        // Longer than the 64-byte buffer: cut, not overflowed.
        let huge = 1e300.fixed(2)
        #expect(huge.count == 63)
        #expect(huge == String(String(format: "%.2f", 1e300).prefix(63)))
    }
}
