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
        splitPass(re, im) { k, mirror, xr, xi, mr, mi in
            re[k] = xr
            im[k] = xi
            re[mirror] = mr
            im[mirror] = mi
        }
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
                splitPass(re, im) { k, mirror, xr, xi, mr, mi in
                    p[k] = xr * xr + xi * xi
                    p[mirror] = mr * mr + mi * mi
                }
            }
        }
        swap(&realScratch, &scratchReal)
        swap(&imagScratch, &scratchImag)
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
                while h < m {
                    let wr = cosTable + h
                    let wi = sinTable + h
                    var start = 0
                    while start < m {
                        let ar = re + start, ai = im + start
                        let br = ar + h, bi = ai + h
                        for k in 0..<h {
                            let xr = br[k], xi = bi[k], c = wr[k], s = wi[k]
                            let tr = xr * c - xi * s
                            let ti = xr * s + xi * c
                            let ur = ar[k], ui = ai[k]
                            ar[k] = ur + tr
                            ai[k] = ui + ti
                            br[k] = ur - tr
                            bi[k] = ui - ti
                        }
                        start += 2 * h
                    }
                    h *= 2
                }
            }
        }
    }

    /// Separates the spectra of the even and odd samples from `Z = FFT(z)` and combines them into the real
    /// signal's bins `X[k]` and `X[half − k]`, `0 ≤ k ≤ half / 2`, handing each pair to `emit` (which may overwrite
    /// `re`/`im` at `k` and `half − k`: both are read before `emit` is called).
    @inline(__always)
    private func splitPass(
        _ re: UnsafeMutablePointer<Float>,
        _ im: UnsafeMutablePointer<Float>,
        emit: (_ k: Int, _ mirror: Int, _ xr: Float, _ xi: Float, _ mr: Float, _ mi: Float) -> Void
    ) {
        let m = half
        // k = 0: X[0] = E[0] + O[0], X[half] = E[0] − O[0], both real.
        let z0r = re[0], z0i = im[0]
        emit(0, m, z0r + z0i, 0, z0r - z0i, 0)
        splitCos.withUnsafeBufferPointer { cosBuffer in
            splitSin.withUnsafeBufferPointer { sinBuffer in
                for k in 1...(m / 2) {
                    let mirror = m - k
                    let zr = re[k], zi = im[k], yr = re[mirror], yi = im[mirror]
                    // E = (Z[k] + conj Z[m−k]) / 2 and O = (Z[k] − conj Z[m−k]) / 2i: spectra of even, odd samples.
                    let er = 0.5 * (zr + yr), ei = 0.5 * (zi - yi)
                    let or = 0.5 * (zi + yi), oi = 0.5 * (yr - zr)
                    // T = W^k · O with W = e^(−2πi/size).
                    let c = cosBuffer[k], s = sinBuffer[k]
                    let tr = or * c + oi * s
                    let ti = oi * c - or * s
                    // X[k] = E + T; X[m−k] = conj(E − T).
                    emit(k, mirror, er + tr, ei + ti, er - tr, ti - ei)
                }
            }
        }
    }
}
