/// ITU-T G.711 companding: µ-law and A-law to and from 16-bit linear PCM.
///
/// Decoding goes through two 256-entry tables built once; encoding computes the segment from the bit length of the
/// magnitude. Both are bit-exact with ITU-T G.711 as Python's `audioop` implements it for sample width 2
/// (`lin2ulaw` encodes the top 14 bits of a sample, `lin2alaw` the top 13 bits), which the tests check over every
/// code and every `Int16` value.
public enum G711 {
    /// Linear value (16-bit PCM) of each µ-law code, indexed by the code byte.
    static let muLawTable: [Int16] = (0..<256).map { muLawDecoded(UInt8($0)) }
    /// Linear value (16-bit PCM) of each A-law code, indexed by the code byte.
    static let aLawTable: [Int16] = (0..<256).map { aLawDecoded(UInt8($0)) }

    /// Decodes one µ-law code byte to a 16-bit linear sample (range −32124…32124).
    public static func muLawToLinear(_ code: UInt8) -> Int16 {
        muLawTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// Decodes one A-law code byte to a 16-bit linear sample (range −32256…32256).
    public static func aLawToLinear(_ code: UInt8) -> Int16 {
        aLawTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// Encodes one 16-bit linear sample to a µ-law code byte (its top 14 bits are used, as G.711 specifies).
    public static func linearToMuLaw(_ sample: Int16) -> UInt8 {
        let bias: Int32 = 0x84 >> 2  // 33: the µ-law bias at 14-bit scale
        let clip: Int32 = 8159  // largest 14-bit magnitude before the bias
        let value = Int32(sample) >> 2
        let mask: UInt8 = value < 0 ? 0x7F : 0xFF
        let magnitude = min(value < 0 ? -value : value, clip) + bias  // 33...8192
        // Segment s holds magnitudes below 0x40 << s: it is the bit length above 6 bits.
        let bitLength = Int32(32 - magnitude.leadingZeroBitCount)
        let segment = max(0, bitLength - 6)
        if segment >= 8 { return 0x7F ^ mask }
        let mantissa = (magnitude >> (segment + 1)) & 0x0F
        return UInt8(truncatingIfNeeded: (segment << 4) | mantissa) ^ mask
    }

    /// Encodes one 16-bit linear sample to an A-law code byte (its top 13 bits are used, as G.711 specifies).
    public static func linearToALaw(_ sample: Int16) -> UInt8 {
        var value = Int32(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1  // 0...4095
        }
        // Segment s holds magnitudes below 0x20 << s: it is the bit length above 5 bits (at most 7 for 12 bits).
        let bitLength = Int32(32 - value.leadingZeroBitCount)
        let segment = max(0, bitLength - 5)
        let mantissa = (segment < 2 ? value >> 1 : value >> segment) & 0x0F
        return UInt8(truncatingIfNeeded: (segment << 4) | mantissa) ^ mask
    }

    /// Decodes a block of encoded audio to 16-bit linear samples.
    ///
    /// Decodes `min(bytes.count / encoding.bytesPerSample, output.count)` samples; a trailing odd byte of
    /// `.linear16` input is ignored. Allocates nothing.
    /// - Parameters:
    ///   - bytes: the encoded samples: one byte each for G.711, little-endian byte pairs for `.linear16`.
    ///   - encoding: how `bytes` are encoded.
    ///   - output: where the linear samples go, from index 0.
    /// - Returns: the number of samples written to `output`.
    @discardableResult
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        encoding: AudioEncoding,
        into output: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        let count = min(bytes.count / encoding.bytesPerSample, output.count)
        switch encoding {
        case .muLaw:
            decode(bytes, table: muLawTable, count: count, into: output)
        case .aLaw:
            decode(bytes, table: aLawTable, count: count, into: output)
        case .linear16:
            for i in 0..<count {
                let low = UInt16(bytes[2 * i])
                let high = UInt16(bytes[2 * i + 1])
                output[i] = Int16(bitPattern: low | (high << 8))
            }
        }
        return count
    }

    private static func decode(
        _ bytes: UnsafeRawBufferPointer,
        table: [Int16],
        count: Int,
        into output: UnsafeMutableBufferPointer<Int16>
    ) {
        table.withUnsafeBufferPointer { table in
            for i in 0..<count {
                output[i] = table[Int(bytes[i])]
            }
        }
    }

    /// The G.711 µ-law expansion of one code, used to build ``muLawTable``.
    private static func muLawDecoded(_ code: UInt8) -> Int16 {
        let bias: Int32 = 0x84
        let inverted = ~code
        let segment = Int32((inverted & 0x70) >> 4)
        let magnitude = ((Int32(inverted & 0x0F) << 3) + bias) << segment
        return Int16(inverted & 0x80 != 0 ? bias - magnitude : magnitude - bias)
    }

    /// The G.711 A-law expansion of one code, used to build ``aLawTable``.
    private static func aLawDecoded(_ code: UInt8) -> Int16 {
        let toggled = code ^ 0x55
        let segment = Int32((toggled & 0x70) >> 4)
        var magnitude = Int32(toggled & 0x0F) << 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }
}
