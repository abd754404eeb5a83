/// The natural logarithm of four Floats at once, for the per-frame paths that take many logarithms (mel band
/// decibels, the tone analysis's peak interpolation), where libm's scalar `logf`/`log` cost as much as the rest of
/// their work.
enum FloatLogarithm {
    /// ln(x) of four positive, normal Floats, within about 2 ulp, as Cephes' `logf` computes it: x split into
    /// 2ᵉ·(1 + f) with 1 + f in [√½, √2), a degree-9 polynomial in f, and e·ln 2 added in two parts. Zeros,
    /// subnormals, infinities and NaN are not handled: callers floor their values first.
    @inline(__always)
    static func natural(_ x: SIMD4<Float>) -> SIMD4<Float> {
        let bits = unsafeBitCast(x, to: SIMD4<Int32>.self)
        // x = 2^(exponent) · mantissa, mantissa in [0.5, 1).
        var exponent = SIMD4<Float>((bits &>> 23) &- 126)
        var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: SIMD4<Float>.self)
        // Below √½ the mantissa is doubled (and the exponent lowered), so that f = mantissa − 1 is in [−0.29, 0.41).
        let low = mantissa .< SIMD4(repeating: 0.707_106_781_186_547_524)
        exponent = exponent.replacing(with: exponent - 1, where: low)
        mantissa = mantissa.replacing(with: mantissa + mantissa, where: low)
        let f = mantissa - 1
        let f2 = f * f
        var polynomial = SIMD4<Float>(repeating: 7.037_683_629_2e-2)
        polynomial = polynomial * f - 1.151_461_031_0e-1
        polynomial = polynomial * f + 1.167_699_874_0e-1
        polynomial = polynomial * f - 1.242_014_084_6e-1
        polynomial = polynomial * f + 1.424_932_278_7e-1
        polynomial = polynomial * f - 1.666_805_766_5e-1
        polynomial = polynomial * f + 2.000_071_476_5e-1
        polynomial = polynomial * f - 2.499_999_399_3e-1
        polynomial = polynomial * f + 3.333_333_117_4e-1
        var y = polynomial * f * f2
        // ln 2 = 0.693359375 − 2.12194440e-4: the first part has few bits, so exponent · it is exact.
        y += exponent * -2.121_944_40e-4
        y -= 0.5 * f2
        return f + y + exponent * 0.693_359_375
    }
}
