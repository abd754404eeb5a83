/// A minimal PNG encoder for palette images: 8-bit indices, at most 256 colours, stored (uncompressed) deflate.
///
/// `inspect` embeds its spectrogram in the SVG as one image rather than as tens of thousands of rectangles; a
/// palette image costs one byte per pixel, so a 1500 × 257 spectrogram is under 400 kB before base64, with no
/// compression library.
struct IndexedPNG {
    /// Bytes per stored deflate block at most (the format's limit).
    private static let maxStoredBlock = 65_535

    /// Width and height, in pixels.
    let width: Int
    let height: Int
    /// The palette, as (red, green, blue), at most 256 entries.
    let palette: [(UInt8, UInt8, UInt8)]
    /// Row-major palette indices, top row first, `width × height` of them.
    let pixels: [UInt8]

    /// The PNG file's bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        Self.appendBigEndian(UInt32(width), to: &header)
        Self.appendBigEndian(UInt32(height), to: &header)
        // Bit depth 8, colour type 3 (palette), deflate, adaptive filters, no interlace.
        header += [8, 3, 0, 0, 0]
        Self.appendChunk("IHDR", header, to: &out)
        Self.appendChunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }, to: &out)
        // Each row starts with filter type 0 (none).
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        for row in 0..<height {
            raw.append(0)
            raw += pixels[(row * width)..<((row + 1) * width)]
        }
        Self.appendChunk("IDAT", Self.storedZlib(raw), to: &out)
        Self.appendChunk("IEND", [], to: &out)
        return out
    }

    /// `data` as a zlib stream of stored deflate blocks.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(maxStoredBlock, data.count - offset)
            let isLast = offset + count == data.count
            out.append(isLast ? 1 : 0)
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        appendBigEndian(b << 16 | a, to: &out)
        return out
    }

    /// The CRC-32 (ISO 3309, as PNG uses it) of `bytes`.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let typed = Array(type.utf8) + data
        out += typed
        appendBigEndian(crc32(typed), to: &out)
    }

    private static func appendBigEndian(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
