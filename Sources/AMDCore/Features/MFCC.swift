#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Mel-frequency cepstral coefficients of one frame at a time, computed like librosa 0.11.
///
/// For each frame of ``MFCCConfiguration/winLength`` samples: periodic Hann window, zero-pad to `nFFT`, real FFT
/// power `|X|²` (``powerSpectrum``), mel filterbank (``melPower``), `10·log10(max(1e-10, S))` (librosa
/// `power_to_db` with `ref=1`, `amin=1e-10`, `top_db=None`), and an orthonormal DCT-II keeping the first `nMFCC`
/// coefficients (``coefficients``, in dB-scaled cepstral units). With `center=False` framing this equals
/// `librosa.feature.mfcc(S=power_to_db(melspectrogram(y, ...), top_db=None), norm='ortho')` frame by frame.
///
/// The power spectrum stays readable after ``process(frame:)`` so one FFT per frame serves both the classifier and
/// tone analysis. All buffers are sized at init; ``process(frame:)`` allocates nothing.
public struct MFCC: Sendable {
    /// The validated configuration.
    public let configuration: MFCCConfiguration
    /// The mel filters in use.
    public let filterbank: MelFilterbank
    /// Power spectrum of the last frame, `nFFT / 2 + 1` bins (bin `k` at `k · sampleRate / nFFT` Hz), in squared
    /// sample units (samples scaled to ±1 give powers up to `(winLength / 2)²` for a full-scale tone).
    public private(set) var powerSpectrum: [Float]
    /// Mel band powers of the last frame, ``MFCCConfiguration/nMels`` values, in the unit of ``powerSpectrum``.
    public private(set) var melPower: [Float]
    /// Cepstral coefficients of the last frame, ``MFCCConfiguration/nMFCC`` values, c0 first.
    public private(set) var coefficients: [Float]

    private var fft: RealFFT
    /// The analysis window, `winLength` samples.
    private let window: [Float]
    /// The windowed frame, zero-padded to `nFFT` (the padding is written once, at init).
    private var windowed: [Float]
    /// `10·log10` of the mel powers, in dB.
    private var melDecibels: [Float]
    /// Orthonormal DCT-II basis in Double, mel-band-major: the weights of band `m` for coefficients `k..<k+4` are
    /// contiguous at `m · paddedCount + k`, so ``dctLanes`` coefficients accumulate in one `SIMD8<Double>`.
    private let dctBasis: [Double]
    /// `nMFCC` rounded up to a multiple of ``dctLanes``; the padding rows are zero and their results dropped.
    private let paddedCount: Int
    /// Coefficients computed together by the DCT (eight Doubles: four SSE registers, four independent chains).
    private static let dctLanes = 8

    /// Power floor before the logarithm (librosa `amin`), in squared sample units.
    public static let powerFloor: Float = 1e-10

    /// Prepares buffers, FFT, filters and DCT for `configuration`.
    /// - Throws: ``FeatureError/invalidConfiguration(field:reason:)`` (from ``MFCCConfiguration/validate()``).
    public init(configuration: MFCCConfiguration) throws(FeatureError) {
        try configuration.validate()
        self.configuration = configuration
        fft = try RealFFT(size: configuration.nFFT)
        let tables = try Self.shared.value(for: configuration) { () throws(FeatureError) in
            try Self.tables(configuration: configuration)
        }
        filterbank = tables.filterbank
        window = tables.window
        dctBasis = tables.dctBasis
        paddedCount = Self.dctRows(for: configuration)
        windowed = [Float](repeating: 0, count: configuration.nFFT)
        powerSpectrum = [Float](repeating: 0, count: configuration.nFFT / 2 + 1)
        melPower = [Float](repeating: 0, count: configuration.nMels)
        melDecibels = [Float](repeating: 0, count: configuration.nMels)
        coefficients = [Float](repeating: 0, count: configuration.nMFCC)
    }

    /// The read-only parts of one configuration; every ``MFCC`` with that configuration shares one set.
    private struct Tables: Sendable {
        var filterbank: MelFilterbank
        var window: [Float]
        var dctBasis: [Double]
    }

    /// One set of tables per configuration, shared by every instance (one per call's detector).
    private static let shared = SharedTables<MFCCConfiguration, Tables>()

    /// `nMFCC` rounded up to whole groups of ``dctLanes``: the rows of the DCT basis.
    private static func dctRows(for configuration: MFCCConfiguration) -> Int {
        (configuration.nMFCC + dctLanes - 1) / dctLanes * dctLanes
    }

    /// Computes the filters, window and DCT basis of a validated `configuration`.
    private static func tables(configuration: MFCCConfiguration) throws(FeatureError) -> Tables {
        let filterbank = try MelFilterbank(configuration: configuration)
        let length = configuration.winLength
        let window: [Float]
        switch configuration.window {
        case .hann:
            window = (0..<length).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length))) }
        }

        // scipy.fftpack.dct(type=2, norm='ortho'): y[k] = f(k) · Σₙ x[n]·cos(πk(2n+1) / 2N), f(0) = √(1/N),
        // f(k) = √(2/N).
        // Each weight is rounded to Float first: the coefficients stay those of a Float basis summed in Double.
        let n = configuration.nMels
        let padded = dctRows(for: configuration)
        var basis = [Double](repeating: 0, count: padded * n)
        for k in 0..<configuration.nMFCC {
            let scale = (k == 0 ? 1 / Double(n) : 2 / Double(n)).squareRoot()
            for m in 0..<n {
                let weight = Float(scale * cos(Double.pi * Double(k) * Double(2 * m + 1) / Double(2 * n)))
                basis[m * padded + k] = Double(weight)
            }
        }
        return Tables(filterbank: filterbank, window: window, dctBasis: basis)
    }

    /// Computes ``powerSpectrum``, ``melPower`` and ``coefficients`` of one frame.
    ///
    /// Allocates nothing.
    /// - Parameter frame: exactly ``MFCCConfiguration/winLength`` samples scaled like librosa loads 16-bit audio
    ///   (`Int16 / 32768`, so ±1 is full scale). Frames start every ``MFCCConfiguration/hopLength`` samples.
    /// - Precondition: `frame.count == configuration.winLength` (a contract of the framing code, not of the audio).
    public mutating func process(frame: UnsafeBufferPointer<Float>) {
        let length = configuration.winLength
        precondition(frame.count == length, "MFCC.process: frame has \(frame.count) samples, expected \(length)")
        window.withUnsafeBufferPointer { w in
            windowed.withUnsafeMutableBufferPointer { out in
                for i in 0..<length { out[i] = frame[i] * w[i] }
            }
        }
        // The power spectrum ignores where the window sits in the padded frame (a circular shift only changes
        // phases), so the window is placed at the start rather than centred like librosa.
        // The windowed frame is moved out while `fft` (another part of `self`) is mutated, so its buffer need not be
        // retained for the call (swapping with an empty array allocates nothing).
        var input: [Float] = []
        swap(&input, &windowed)
        input.withUnsafeBufferPointer { input in
            powerSpectrum.withUnsafeMutableBufferPointer { fft.powerSpectrum(input, into: $0) }
        }
        swap(&input, &windowed)
        // Likewise the power spectrum while `melPower` is written.
        var spectrum: [Float] = []
        swap(&spectrum, &powerSpectrum)
        spectrum.withUnsafeBufferPointer { power in
            melPower.withUnsafeMutableBufferPointer { filterbank.apply(power, into: $0) }
        }
        swap(&spectrum, &powerSpectrum)
        let melCount = configuration.nMels
        melPower.withUnsafeBufferPointer { power in
            melDecibels.withUnsafeMutableBufferPointer { decibels in
                guard let from = power.baseAddress.map(UnsafeRawPointer.init),
                    let to = decibels.baseAddress.map(UnsafeMutableRawPointer.init)
                else { return }
                let stride = MemoryLayout<Float>.stride
                var m = 0
                while m + Self.decibelLanes <= melCount {
                    let bands = from.loadUnaligned(fromByteOffset: m * stride, as: SIMD4<Float>.self)
                    to.storeBytes(of: Self.decibels(bands), toByteOffset: m * stride, as: SIMD4<Float>.self)
                    m += Self.decibelLanes
                }
                while m < melCount {
                    decibels[m] = Self.decibels(SIMD4(repeating: power[m]))[0]
                    m += 1
                }
            }
        }
        // Eight coefficients at a time, each lane summing over the bands in order: the same additions, in the same
        // order, as one coefficient at a time, but independent chains instead of one latency-bound chain.
        let padded = paddedCount
        melDecibels.withUnsafeBufferPointer { decibels in
            dctBasis.withUnsafeBufferPointer { basis in
                coefficients.withUnsafeMutableBufferPointer { out in
                    guard let rawBasis = basis.baseAddress.map(UnsafeRawPointer.init) else { return }
                    let rowBytes = padded * MemoryLayout<Double>.stride
                    var k = 0
                    while k < out.count {
                        // Summed in Double: the dB values reach ±100 and the sum has nMels terms.
                        var sum = SIMD8<Double>()
                        var offset = k * MemoryLayout<Double>.stride
                        for m in 0..<melCount {
                            sum +=
                                rawBasis.loadUnaligned(fromByteOffset: offset, as: SIMD8<Double>.self)
                                * SIMD8<Double>(repeating: Double(decibels[m]))
                            offset += rowBytes
                        }
                        for lane in 0..<min(Self.dctLanes, out.count - k) { out[k + lane] = Float(sum[lane]) }
                        k += Self.dctLanes
                    }
                }
            }
        }
    }
}

extension MFCC {
    /// Bands converted to decibels at a time.
    static let decibelLanes = 4

    /// `10·log10(max(powerFloor, power))` of four powers at once, in dB, within about 2 ulp of libm's `log10f`
    /// (which takes as long as the rest of a frame's mel and DCT work, called once per band): the natural logarithm
    /// of ``FloatLogarithm/natural(_:)``, scaled by 10/ln 10.
    @inline(__always)
    static func decibels(_ power: SIMD4<Float>) -> SIMD4<Float> {
        let x = power.replacing(with: SIMD4(repeating: powerFloor), where: power .< SIMD4(repeating: powerFloor))
        return FloatLogarithm.natural(x) * decibelsPerNeper
    }

    /// 10 / ln 10: decibels of power per unit of natural logarithm.
    private static let decibelsPerNeper: Float = 4.342_944_819_032_518
}
