import Testing

@testable import AMDOffline

/// `IndexedPNG`: the checksums PNG and zlib define, and the file's layout.
struct IndexedPNGTests {
    @Test func checksumsMatchTheirStandardsExamples() {
        // The CRC every PNG's IEND chunk carries, and zlib's Adler-32 of "Wikipedia".
        #expect(IndexedPNG.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        let zlib = IndexedPNG.storedZlib(Array("Wikipedia".utf8))
        #expect(Array(zlib.suffix(4)) == [0x11, 0xE6, 0x03, 0x98])
        #expect(Array(zlib.prefix(7)) == [0x78, 0x01, 1, 9, 0, 0xF6, 0xFF], "one final stored block of 9 bytes")
    }

    @Test func largeImagesSpanSeveralStoredBlocks() {
        let data = [UInt8](repeating: 7, count: 150_000)
        let zlib = IndexedPNG.storedZlib(data)
        // Three blocks (65535 + 65535 + 18930), five header bytes each, around the 2-byte header and 4-byte sum.
        #expect(zlib.count == 2 + 3 * 5 + data.count + 4)
        #expect(zlib[2] == 0 && zlib[2 + 5 + 65_535] == 0 && zlib[2 + 2 * (5 + 65_535)] == 1)
    }

    @Test func theFileHasSignatureHeaderPaletteDataAndEnd() {
        let png = IndexedPNG(width: 3, height: 2, palette: [(0, 0, 0), (255, 0, 0)], pixels: [0, 1, 0, 1, 0, 1]).bytes
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: length 13, type, width 3, height 2, depth 8, colour type 3 (palette).
        #expect(Array(png[8..<29]) == [0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 0, 3, 0, 0, 0, 2, 8, 3, 0, 0, 0])
        #expect(String(decoding: png[37..<41], as: UTF8.self) == "PLTE")
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }
}
