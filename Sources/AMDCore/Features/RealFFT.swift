#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Discrete Fourier transform of a real signal, `size` samples to `size / 2 + 1` complex bins.
///
/// The result is unnormalised like `numpy.fft.rfft`: bin `k` is `Σₙ x[n]·e^(−2πi·k·n/size)`, and bin `k` stands for
/// the frequency `k · sampleRate / size` Hz. The transform packs the real input into a complex signal of
/// `size / 2` points (even samples as real parts, odd samples as imaginary parts), runs an iterative radix-2
/// decimation-in-time FFT on split real/imaginary arrays, and separates the two halves in a final "split" pass.
/// Twiddle factors and the bit-reversal permutation are computed once at init; a transform allocates nothing.
public struct RealFFT: Sendable {
    /// The transform sizes supported, in samples (powers of two only).
    public static let supportedSizes: ClosedRange<Int> = 16...8192

    /// Input length, in samples: a power of two in ``supportedSizes``.
    public let size: Int
    /// Output bins: `size / 2 + 1`, from 0 Hz to the Nyquist frequency inclusive.
    public var binCount: Int { size / 2 + 1 }

    /// Points of the inner complex FFT: `size / 2`.
    private let half: Int
    /// For each slot `j` of the complex FFT, the complex input sample that lands there (bit-reversed `j`).
    private let bitReversed: [Int32]
    /// Twiddles of the butterfly stages of half-width `h ≥ 4`: `e^(−πi·j/h)` stored at index `h + j`, `0 ≤ j < h`.
    private let stageCos: [Float]
    private let stageSin: [Float]
    /// Twiddles of the split pass: `cos(2πk/size)` and `sin(2πk/size)` for `0 ≤ k ≤ size / 4`.
    private let splitCos: [Float]
    private let splitSin: [Float]
    /// Workspace of ``powerSpectrum(_:into:)`` (`size / 2 + 1` each), reused by every call.
    private var scratchReal: [Float]
    private var scratchImag: [Float]

    /// Prepares a transform of `size` samples.
    /// - Throws: ``FeatureError/unsupportedFFTSize(_:)`` unless `size` is a power of two in ``supportedSizes``.
    public init(size: Int) throws(FeatureError) {
        guard Self.supportedSizes.contains(size), size & (size - 1) == 0 else {
            throw .unsupportedFFTSize(size)
        }
        self.size = size
        let half = size / 2
        self.half = half
        let tables = Self.shared.value(for: size) { Self.tables(size: size) }
        bitReversed = tables.bitReversed
        stageCos = tables.stageCos
        stageSin = tables.stageSin
        splitCos = tables.splitCos
        splitSin = tables.splitSin
        scratchReal = [Float](repeating: 0, count: half + 1)
        scratchImag = [Float](repeating: 0, count: half + 1)
    }

    /// The permutation and twiddles of one transform size; every ``RealFFT`` of that size shares one set.
    private struct Tables: Sendable {
        var bitReversed: [Int32]
        var stageCos: [Float]
        var stageSin: [Float]
        var splitCos: [Float]
        var splitSin: [Float]
    }

    /// One set of tables per transform size, shared by every instance (each call's detector has two transforms).
    private static let shared = SharedTables<Int, Tables>()

    /// Computes the tables of a transform of `size` samples (a supported power of two).
    private static func tables(size: Int) -> Tables {
        let half = size / 2
        let bits = half.trailingZeroBitCount
        var reversed = [Int32](repeating: 0, count: half)
        for j in 0..<half {
            var source = 0
            for bit in 0..<bits where j & (1 << bit) != 0 {
                source |= 1 << (bits - 1 - bit)
            }
            reversed[j] = Int32(source)
        }

        var stageCos = [Float](repeating: 0, count: half)
        var stageSin = [Float](repeating: 0, count: half)
        var h = 4
        while h < half {
            for j in 0..<h {
                let angle = -Double.pi * Double(j) / Double(h)
                stageCos[h + j] = Float(cos(angle))
                stageSin[h + j] = Float(sin(angle))
            }
            h *= 2
        }

        let quarter = size / 4
        let splitCos = (0...quarter).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        let splitSin = (0...quarter).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }
        return Tables(
            bitReversed: reversed, stageCos: stageCos, stageSin: stageSin, splitCos: splitCos, splitSin: splitSin)
    }

    /// Transforms `size` real samples into `size / 2 + 1` complex bins (unnormalised, like `numpy.fft.rfft`).
    ///
    /// Allocates nothing: the output buffers double as the workspace.
    /// - Parameters:
    ///   - input: exactly ``size`` samples, in any unit; the bins come out in the same unit (not divided by `size`).
    ///   - real: at least ``binCount`` elements; receives the real parts of bins `0..<binCount`.
    ///   - imag: at least ``binCount`` elements; receives the imaginary parts (bins 0 and `size / 2` get 0).
    /// - Precondition: the buffer sizes above, and `real` and `imag` do not overlap. These are contracts of the
    ///   calling code, sized at setup, not properties of the audio.
    public func forward(
        _ input: UnsafeBufferPointer<Float>,
        real: UnsafeMutableBufferPointer<Float>,
        imag: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(input.count == size, "RealFFT.forward: input has \(input.count) samples, expected \(size)")
        precondition(real.count > half && imag.count > half, "RealFFT.forward: output buffers need \(half + 1) bins")
        guard let x = input.baseAddress, let re = real.baseAddress, let im = imag.baseAddress else { return }
        complexTransform(x, re, im)
        let ends = splitPass(re, im) { k, mirror, xr, xi, mr, mi in
            Self.store(xr, re + k)
            Self.store(xi, im + k)
            Self.store(Self.reversed(mr), re + mirror)
            Self.store(Self.reversed(mi), im + mirror)
        }
        re[0] = ends.first
        im[0] = 0
        re[half] = ends.last
        im[half] = 0
    }

    /// Computes the power spectrum `|X[k]|²` of `size` real samples, `size / 2 + 1` bins, in squared input units.
    ///
    /// Equal to `abs(numpy.fft.rfft(input)) ** 2`. `mutating` only because it reuses an internal workspace; it
    /// allocates nothing (after the first call on a copy of the transform).
    /// - Parameters:
    ///   - input: exactly ``size`` samples.
    ///   - into: at least ``binCount`` elements; receives the power of bins `0..<binCount`.
    /// - Precondition: the buffer sizes above.
    public mutating func powerSpectrum(
        _ input: UnsafeBufferPointer<Float>,
        into power: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(input.count == size, "RealFFT.powerSpectrum: input has \(input.count) samples, expected \(size)")
        precondition(power.count > half, "RealFFT.powerSpectrum: output buffer needs \(half + 1) bins")
        guard let x = input.baseAddress, let p = power.baseAddress else { return }
        // Move the workspace out while `self`'s tables are read (swapping with an empty array allocates nothing),
        // so the buffers stay uniquely referenced and are not copied on write.
        var realScratch: [Float] = []
        var imagScratch: [Float] = []
        swap(&realScratch, &scratchReal)
        swap(&imagScratch, &scratchImag)
        realScratch.withUnsafeMutableBufferPointer { realBuffer in
            imagScratch.withUnsafeMutableBufferPointer { imagBuffer in
                guard let re = realBuffer.baseAddress, let im = imagBuffer.baseAddress else { return }
                complexTransform(x, re, im)
                let ends = splitPass(re, im) { k, mirror, xr, xi, mr, mi in
                    Self.store(xr * xr + xi * xi, p + k)
                    Self.store(Self.reversed(mr * mr + mi * mi), p + mirror)
                }
                // Bins 0 and half are real (their imaginary part is 0).
                p[0] = ends.first * ends.first
                p[half] = ends.last * ends.last
            }
        }
        swap(&realScratch, &scratchReal)
        swap(&imagScratch, &scratchImag)
    }

    /// Butterflies computed together by the stages of half-width ≥ 4.
    private static let lanes = 4

    /// Four Floats from `pointer` (any alignment).
    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Four Floats from `pointer` (any alignment).
    @inline(__always)
    private static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Writes four Floats at `pointer` (any alignment).
    @inline(__always)
    private static func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    /// Four complex values, split into real and imaginary lanes.
    private struct Complex4 {
        var real: SIMD4<Float>
        var imag: SIMD4<Float>

        @inline(__always)
        init(_ real: SIMD4<Float>, _ imag: SIMD4<Float>) {
            self.real = real
            self.imag = imag
        }
    }

    /// Four complex values from split arrays, at `offset`.
    @inline(__always)
    private static func load(
        _ real: UnsafeMutablePointer<Float>, _ imag: UnsafeMutablePointer<Float>, _ offset: Int
    ) -> Complex4 {
        Complex4(load(real + offset), load(imag + offset))
    }

    /// Four complex values from split tables, at `offset`.
    @inline(__always)
    private static func load(_ real: UnsafePointer<Float>, _ imag: UnsafePointer<Float>, _ offset: Int) -> Complex4 {
        Complex4(load(real + offset), load(imag + offset))
    }

    /// Writes four complex values to split arrays, at `offset`.
    @inline(__always)
    private static func store(
        _ value: Complex4, _ real: UnsafeMutablePointer<Float>, _ imag: UnsafeMutablePointer<Float>, _ offset: Int
    ) {
        store(value.real, real + offset)
        store(value.imag, imag + offset)
    }

    /// The radix-2 butterfly: t = w·b, then a ← a + t and b ← a − t (four at a time).
    @inline(__always)
    private static func butterfly(_ a: inout Complex4, _ b: inout Complex4, _ w: Complex4) {
        let tr = b.real * w.real - b.imag * w.imag
        let ti = b.real * w.imag + b.imag * w.real
        let ur = a.real, ui = a.imag
        a = Complex4(ur + tr, ui + ti)
        b = Complex4(ur - tr, ui - ti)
    }

    /// `value` with its lanes in reverse order.
    @inline(__always)
    private static func reversed(_ value: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(value[3], value[2], value[1], value[0])
    }

    /// The `size / 2`-point complex FFT of `z[n] = x[2n] + i·x[2n+1]`, left in `re[0..<half]`, `im[0..<half]`.
    @inline(__always)
    private func complexTransform(
        _ x: UnsafePointer<Float>,
        _ re: UnsafeMutablePointer<Float>,
        _ im: UnsafeMutablePointer<Float>
    ) {
        let m = half
        bitReversed.withUnsafeBufferPointer { reversed in
            // Gather in bit-reversed order, fused with the first two stages (a radix-4 butterfly on each block
            // of four, whose twiddles are 1 and −i).
            var j = 0
            while j < m {
                let s0 = 2 * Int(reversed[j]), s1 = 2 * Int(reversed[j + 1])
                let s2 = 2 * Int(reversed[j + 2]), s3 = 2 * Int(reversed[j + 3])
                let r0 = x[s0], i0 = x[s0 + 1], r1 = x[s1], i1 = x[s1 + 1]
                let r2 = x[s2], i2 = x[s2 + 1], r3 = x[s3], i3 = x[s3 + 1]
                let ar = r0 + r1, ai = i0 + i1, br = r0 - r1, bi = i0 - i1
                let cr = r2 + r3, ci = i2 + i3, dr = r2 - r3, di = i2 - i3
                re[j] = ar + cr
                im[j] = ai + ci
                re[j + 2] = ar - cr
                im[j + 2] = ai - ci
                // −i·d = (di, −dr)
                re[j + 1] = br + di
                im[j + 1] = bi - dr
                re[j + 3] = br - di
                im[j + 3] = bi + dr
                j += 4
            }
        }
        stageCos.withUnsafeBufferPointer { cosBuffer in
            stageSin.withUnsafeBufferPointer { sinBuffer in
                guard let cosTable = cosBuffer.baseAddress, let sinTable = sinBuffer.baseAddress else { return }
                var h = 4
                // Two stages per pass (h and 2h) while both exist: each group of four quarter-blocks is loaded once,
                // goes through both stages' butterflies in registers, and is stored once. The butterflies and their
                // order per element are those of one stage at a time, so the bins do not change by a bit.
                while 2 * h < m {
                    let wr = cosTable + h, wi = sinTable + h
                    let vr = cosTable + 2 * h, vi = sinTable + 2 * h
                    var start = 0
                    while start < m {
                        let r0 = re + start, i0 = im + start
                        let r1 = r0 + h, i1 = i0 + h
                        let r2 = r1 + h, i2 = i1 + h
                        let r3 = r2 + h, i3 = i2 + h
                        var k = 0
                        while k < h {
                            var a = Self.load(r0, i0, k)
                            var b = Self.load(r1, i1, k)
                            var c = Self.load(r2, i2, k)
                            var d = Self.load(r3, i3, k)
                            // Stage h: (a, b) and (c, d), twiddle e^(−πi·k/h).
                            let w = Self.load(wr, wi, k)
                            Self.butterfly(&a, &b, w)
                            Self.butterfly(&c, &d, w)
                            // Stage 2h: (a, c) with twiddle index k, (b, d) with index h + k.
                            Self.butterfly(&a, &c, Self.load(vr, vi, k))
                            Self.butterfly(&b, &d, Self.load(vr, vi, h + k))
                            Self.store(a, r0, i0, k)
                            Self.store(b, r1, i1, k)
                            Self.store(c, r2, i2, k)
                            Self.store(d, r3, i3, k)
                            k += Self.lanes
                        }
                        start += 4 * h
                    }
                    h *= 4
                }
                // The last stage alone when the count of stages is odd.
                if h < m {
                    let wr = cosTable + h, wi = sinTable + h
                    var start = 0
                    while start < m {
                        let r0 = re + start, i0 = im + start
                        let r1 = r0 + h, i1 = i0 + h
                        var k = 0
                        while k < h {
                            var a = Self.load(r0, i0, k)
                            var b = Self.load(r1, i1, k)
                            Self.butterfly(&a, &b, Self.load(wr, wi, k))
                            Self.store(a, r0, i0, k)
                            Self.store(b, r1, i1, k)
                            k += Self.lanes
                        }
                        start += 2 * h
                    }
                }
            }
        }
    }

    /// Separates the spectra of the even and odd samples from `Z = FFT(z)` and combines them into the real
    /// signal's bins `X[k]` and `X[half − k]`, `0 ≤ k ≤ half / 2`, handing them to `emit` four pairs at a time:
    /// `emit(k, mirror, xr, xi, mr, mi)` gets `X[k + j]` in lane `j` of `xr`, `xi` and `X[half − k − j]` in lane `j`
    /// of `mr`, `mi`, to be stored from `mirror = half − k − 3` upwards (lanes reversed). `emit` may overwrite
    /// `re`/`im` at those indices: a block's inputs are read before `emit` is called, and no later block reads them.
    /// Each lane does the same operations as a one-bin-at-a-time pass, so the bins are bit-identical to it.
    @inline(__always)
    private func splitPass(
        _ re: UnsafeMutablePointer<Float>,
        _ im: UnsafeMutablePointer<Float>,
        emit: (
            _ k: Int, _ mirror: Int, _ xr: SIMD4<Float>, _ xi: SIMD4<Float>, _ mr: SIMD4<Float>, _ mi: SIMD4<Float>
        ) -> Void
    ) -> (first: Float, last: Float) {
        let m = half
        // k = 0: X[0] = E[0] + O[0], X[half] = E[0] − O[0], both real; returned for the caller to store (the blocks
        // below cover bins 1...half − 1 only).
        let z0r = re[0], z0i = im[0]
        splitCos.withUnsafeBufferPointer { cosBuffer in
            splitSin.withUnsafeBufferPointer { sinBuffer in
                guard let cosTable = cosBuffer.baseAddress, let sinTable = sinBuffer.baseAddress else { return }
                let oneHalf = SIMD4<Float>(repeating: 0.5)
                var k = 1
                while k <= m / 2 {
                    let mirror = m - k - (Self.lanes - 1)
                    let zr = Self.load(re + k), zi = Self.load(im + k)
                    let yr = Self.reversed(Self.load(re + mirror)), yi = Self.reversed(Self.load(im + mirror))
                    // E = (Z[k] + conj Z[m−k]) / 2 and O = (Z[k] − conj Z[m−k]) / 2i: spectra of even, odd samples.
                    let er = oneHalf * (zr + yr), ei = oneHalf * (zi - yi)
                    let or = oneHalf * (zi + yi), oi = oneHalf * (yr - zr)
                    // T = W^k · O with W = e^(−2πi/size).
                    let c = Self.load(cosTable + k), s = Self.load(sinTable + k)
                    let tr = or * c + oi * s
                    let ti = oi * c - or * s
                    // X[k] = E + T; X[m−k] = conj(E − T).
                    emit(k, mirror, er + tr, ei + ti, er - tr, ti - ei)
                    k += Self.lanes
                }
            }
        }
        return (z0r + z0i, z0r - z0i)
    }

}
