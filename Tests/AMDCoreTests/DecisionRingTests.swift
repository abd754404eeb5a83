import AMDCore
import Testing

/// Counting and wrap-around of ``DecisionRing``.
struct DecisionRingTests {
    @Test func countsTheLastCapacityDecisions() {
        var ring = DecisionRing(capacity: 4)
        #expect(ring.count == 0 && ring.voicedCount == 0)
        for voiced in [true, true, false] { ring.push(voiced) }
        #expect(ring.count == 3 && ring.voicedCount == 2 && ring.unvoicedCount == 1)
        #expect(ring.voicedShare == 0.5)
        for voiced in [false, false, true] { ring.push(voiced) }  // holds false, false, false, true
        #expect(ring.count == 4 && ring.voicedCount == 1 && ring.unvoicedCount == 3)
    }

    @Test func matchesANaiveWindowOverARandomSequence() {
        var generator = SplitMix64(seed: 3)
        var ring = DecisionRing(capacity: 7)
        var history = [Bool]()
        for _ in 0..<500 {
            let voiced = generator.next() % 3 == 0
            ring.push(voiced)
            history.append(voiced)
            let window = history.suffix(7)
            #expect(ring.count == window.count)
            #expect(ring.voicedCount == window.filter { $0 }.count)
        }
    }

    @Test func removeAllEmptiesAndZeroCapacityBecomesOne() {
        var ring = DecisionRing(capacity: 3)
        ring.push(true)
        ring.removeAll()
        #expect(ring.count == 0 && ring.voicedCount == 0)
        #expect(DecisionRing(capacity: 0).capacity == 1)
    }
}
