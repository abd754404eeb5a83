import AMDCore
import Synchronization
import Testing

struct SharedTablesTests {
    private struct Broken: Error, Equatable {}

    @Test func makesOncePerKeyAndHandsOutTheSameStorage() {
        let tables = SharedTables<Int, [Float]>()
        let made = Mutex(0)
        func lookUp(_ key: Int) -> [Float] {
            tables.value(for: key) {
                made.withLock { $0 += 1 }
                return [Float](repeating: Float(key), count: 1024)
            }
        }
        let first = lookUp(512)
        let second = lookUp(512)
        let other = lookUp(2048)
        #expect(made.withLock { $0 } == 2)
        #expect(second == first && other.first == 2048)
        // Copy-on-write: the second instance holds the first one's buffer, not a copy.
        let firstAddress = first.withUnsafeBufferPointer { $0.baseAddress }
        #expect(second.withUnsafeBufferPointer { $0.baseAddress } == firstAddress)
    }

    @Test func aFailedMakeIsNotKept() throws {
        let tables = SharedTables<String, Int>()
        #expect(throws: Broken()) { try tables.value(for: "k") { () throws(Broken) -> Int in throw Broken() } }
        #expect(tables.value(for: "k") { 7 } == 7)
        #expect(tables.value(for: "k") { 8 } == 7)
    }
}
