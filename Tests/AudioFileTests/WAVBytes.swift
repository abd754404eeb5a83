import Foundation

/// Builds RIFF/WAVE files byte by byte, so each test states exactly the header it feeds the parser.
enum WAVBytes {
    /// Little-endian bytes of a 16-bit value.
    static func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }

    /// Little-endian bytes of a 32-bit value.
    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }

    /// 16-bit little-endian PCM bytes of `samples`.
    static func pcm16(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { u16(Int(UInt16(bitPattern: $0))) }
    }

    /// A chunk: id, declared size (the body's length unless given), body, and a pad byte after an odd body.
    static func chunk(_ id: String, _ body: [UInt8], declaredSize: UInt32? = nil, pad: Bool = true) -> [UInt8] {
        Array(id.utf8) + u32(declaredSize ?? UInt32(body.count)) + body + (pad && body.count % 2 == 1 ? [0] : [])
    }

    /// A 16-byte `fmt ` body (plus `extra`, e.g. a cbSize for non-PCM tags).
    static func fmtBody(
        tag: Int, channels: Int = 1, rate: Int = 8000, bits: Int, blockAlign: Int? = nil, extra: [UInt8] = []
    ) -> [UInt8] {
        let align = blockAlign ?? channels * bits / 8
        return u16(tag) + u16(channels) + u32(UInt32(rate)) + u32(UInt32(rate * align)) + u16(align) + u16(bits)
            + extra
    }

    /// A 40-byte WAVE_FORMAT_EXTENSIBLE `fmt ` body whose subformat GUID starts with `subformat`.
    static func extensibleBody(subformat: Int, channels: Int = 1, rate: Int = 16000, bits: Int = 16) -> [UInt8] {
        let guidTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return fmtBody(tag: 0xFFFE, channels: channels, rate: rate, bits: bits)
            + u16(22) + u16(bits) + u32(channels == 1 ? 0x4 : 0x3) + u16(subformat) + guidTail
    }

    /// A whole file: `RIFF`, its size, `WAVE`, then the chunks.
    static func riff(_ chunks: [[UInt8]]) -> [UInt8] {
        let body = Array("WAVE".utf8) + chunks.flatMap { $0 }
        return Array("RIFF".utf8) + u32(UInt32(body.count)) + body
    }
}

/// A fixture's bytes, from Tests/AudioFileTests/Fixtures.
func fixtureBytes(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureMissing(name: name)
    }
    return Array(try Data(contentsOf: url))
}

/// A fixture the test bundle does not hold.
struct FixtureMissing: Error, CustomStringConvertible {
    var name: String
    var description: String { "fixture \(name) is not in the test bundle" }
}
