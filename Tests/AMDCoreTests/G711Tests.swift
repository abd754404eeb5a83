import AMDCore
import Foundation
import Testing

/// Compares ``G711`` with the reference vectors that `tools/fixtures/gen_g711.py` wrote from Python's audioop.
struct G711Tests {
    /// Reads a committed fixture from `Fixtures/g711/`.
    private static func fixture(_ name: String) throws -> [UInt8] {
        let directory = try #require(Bundle.module.resourceURL)
        let url = directory.appendingPathComponent("Fixtures/g711/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    private static func int16LittleEndian(_ bytes: [UInt8]) -> [Int16] {
        stride(from: 0, to: bytes.count - 1, by: 2).map {
            Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
        }
    }

    @Test func muLawDecodeMatchesAudioopForAll256Codes() throws {
        let expected = Self.int16LittleEndian(try Self.fixture("ulaw_decode.bin"))
        #expect(expected.count == 256)
        let mismatches = (0..<256).filter { G711.muLawToLinear(UInt8($0)) != expected[$0] }
        #expect(mismatches.isEmpty, "µ-law codes decoded differently: \(mismatches)")
    }

    @Test func aLawDecodeMatchesAudioopForAll256Codes() throws {
        let expected = Self.int16LittleEndian(try Self.fixture("alaw_decode.bin"))
        #expect(expected.count == 256)
        let mismatches = (0..<256).filter { G711.aLawToLinear(UInt8($0)) != expected[$0] }
        #expect(mismatches.isEmpty, "A-law codes decoded differently: \(mismatches)")
    }

    @Test func muLawEncodeMatchesAudioopForEveryInt16() throws {
        let expected = try Self.fixture("ulaw_encode.bin")
        #expect(expected.count == 65_536)
        let mismatches = (0..<65_536).filter { G711.linearToMuLaw(Int16($0 - 32_768)) != expected[$0] }
        #expect(
            mismatches.isEmpty, "\(mismatches.count) samples µ-law encoded differently, first \(mismatches.prefix(5))")
    }

    @Test func aLawEncodeMatchesAudioopForEveryInt16() throws {
        let expected = try Self.fixture("alaw_encode.bin")
        #expect(expected.count == 65_536)
        let mismatches = (0..<65_536).filter { G711.linearToALaw(Int16($0 - 32_768)) != expected[$0] }
        #expect(
            mismatches.isEmpty, "\(mismatches.count) samples A-law encoded differently, first \(mismatches.prefix(5))")
    }

    @Test func encodeThenDecodeIsIdempotentOnCodes() {
        // Every decoded value encodes back to a code that decodes to the same value (µ-law 0x7F/0xFF both mean 0).
        for code in 0...255 {
            let mu = G711.muLawToLinear(UInt8(code))
            #expect(G711.muLawToLinear(G711.linearToMuLaw(mu)) == mu)
            let a = G711.aLawToLinear(UInt8(code))
            #expect(G711.aLawToLinear(G711.linearToALaw(a)) == a)
        }
    }

    @Test(arguments: [AudioEncoding.muLaw, .aLaw])
    func bulkDecodeEqualsPerSampleDecode(encoding: AudioEncoding) {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        var output = [Int16](repeating: 0, count: 300)
        let written = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { G711.decode(raw, encoding: encoding, into: $0) }
        }
        #expect(written == 300)
        let perSample = bytes.map { encoding == .muLaw ? G711.muLawToLinear($0) : G711.aLawToLinear($0) }
        #expect(output == perSample)
    }

    @Test func bulkDecodeOfLinear16IsLittleEndianAndIgnoresOddByte() {
        let bytes: [UInt8] = [0x34, 0x12, 0x00, 0x80, 0xFF, 0xFF, 0x7F]
        var output = [Int16](repeating: 0, count: 8)
        let written = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { G711.decode(raw, encoding: .linear16, into: $0) }
        }
        #expect(written == 3)
        #expect(Array(output.prefix(3)) == [0x1234, -32_768, -1])
    }

    @Test func bulkDecodeStopsAtOutputCapacity() {
        let bytes = [UInt8](repeating: 0xFF, count: 10)
        var output = [Int16](repeating: 7, count: 4)
        let written = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { G711.decode(raw, encoding: .muLaw, into: $0) }
        }
        #expect(written == 4)
        #expect(output == [0, 0, 0, 0])
    }
}
