/// Integer frame energy: sum of squares and a fixed-point logarithm, no floating point per frame.
extension VoiceActivityDetector {
    /// The energy reported for a frame of digital silence (and the least reported), in dBFS Q8: −120 dBFS.
    public static let silenceDbfsQ8: Int32 = -120 * 256

    /// 10·log10(2), the dB per doubling of power, in Q16.
    private static let decibelsPerOctaveQ16: Int64 = 197_283

    /// A frame's energy in dBFS, Q8 (256 = 1 dB): 10·log10(2·Σx² / (N·32768²)), so a full-scale sine reads 0.
    ///
    /// Σx² accumulates in Int64 (exact for frames up to 2³³ samples); the logarithm is ``log2Q16(_:)``.
    public static func energyDbfsQ8(of frame: UnsafeBufferPointer<Int16>) -> Int32 {
        energyDbfsQ8(of: frame, log2CountQ16: log2Q16(UInt64(frame.count)))
    }

    /// ``energyDbfsQ8(of:)`` with `log2Q16(frame.count)` given: a detector's frames all have the same length, so
    /// it computes that logarithm once rather than for every frame.
    static func energyDbfsQ8(of frame: UnsafeBufferPointer<Int16>, log2CountQ16: Int64) -> Int32 {
        var sumOfSquares: Int64 = 0
        for sample in frame {
            let value = Int32(sample)
            sumOfSquares &+= Int64(value &* value)
        }
        guard sumOfSquares > 0 else { return silenceDbfsQ8 }
        // log2(2·Σx² / (N·2³⁰)) = log2(Σx²) + 1 − log2(N) − 30
        let log2RatioQ16 = log2Q16(UInt64(sumOfSquares)) - log2CountQ16 + (1 - 30) << 16
        let dbQ8 = (log2RatioQ16 * decibelsPerOctaveQ16 + (1 << 23)) >> 24  // Q16·Q16 → Q8, rounded
        return Int32(max(dbQ8, Int64(silenceDbfsQ8)))
    }

    /// log2(x) in Q16 (65536 = 1) for x ≥ 1, exact to the last fractional bit (truncated); 0 for x = 0.
    ///
    /// The integer part is the bit length; the fraction comes bit by bit from squaring the normalised mantissa.
    /// Each bit is taken without a branch: the bits of real audio's energies are random, so a branch on them would
    /// be mispredicted about every other bit.
    public static func log2Q16(_ x: UInt64) -> Int64 {
        guard x > 0 else { return 0 }
        let exponent = 63 - x.leadingZeroBitCount
        // Mantissa in Q30, in [1, 2).
        var mantissa = exponent >= 30 ? x >> UInt64(exponent - 30) : x << UInt64(30 - exponent)
        var fraction: Int64 = 0
        for bit in (0..<16).reversed() {
            mantissa = (mantissa * mantissa) >> 30
            // 1 when the square reached 2 (Q30 mantissa ≥ 2³¹), else 0: that bit, and a halving to renormalise.
            let carry = mantissa >> 31
            mantissa >>= carry
            fraction |= Int64(carry) << Int64(bit)
        }
        return Int64(exponent) << 16 | fraction
    }
}
