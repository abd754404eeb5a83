#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Triangular mel-scale filters that turn a power spectrum (`nFFT / 2 + 1` bins) into `melCount` band powers.
///
/// The filters are those of `librosa.filters.mel` (librosa 0.11): band edges equally spaced on the mel scale
/// (Slaney's by default, HTK's optionally) between `minFrequency` and `maxFrequency` Hz, triangles over the FFT bin
/// frequencies `k · sampleRate / nFFT` Hz, and with ``Normalization/slaney`` each triangle scaled by
/// `2 / (upper edge − lower edge in Hz)` so bands have equal area. Weights are computed in `Double` and stored as
/// `Float` (as librosa's default `dtype=float32`), and only the non-zero span of each filter is kept.
public struct MelFilterbank: Sendable {
    /// How each triangular filter is scaled (`norm` in librosa).
    public enum Normalization: String, Sendable, Hashable, Codable, CaseIterable {
        /// Area normalisation, `2 / (f[i+2] − f[i])` with edges in Hz (librosa `norm='slaney'`, the default).
        case slaney
        /// Peak 1 for every filter (librosa `norm=None`).
        case none
    }

    /// Sample rate of the analysed signal, in Hz.
    public let sampleRate: Int
    /// FFT length, in samples; the filters span `nFFT / 2 + 1` bins.
    public let nFFT: Int
    /// Number of mel bands.
    public let melCount: Int
    /// Power-spectrum bins the filters read: `nFFT / 2 + 1`.
    public var binCount: Int { nFFT / 2 + 1 }

    /// First non-zero bin of each filter.
    private let firstBin: [Int]
    /// Where each filter's weights start in ``weights``; filter `m` has `offsets[m + 1] − offsets[m]` of them.
    private let offsets: [Int]
    /// The non-zero weights of all filters, one run per filter.
    private let weights: [Float]

    /// Builds the filters.
    /// - Parameters:
    ///   - sampleRate: sample rate, in Hz (> 0).
    ///   - nFFT: FFT length, in samples (≥ 2).
    ///   - melCount: number of bands (≥ 1).
    ///   - minFrequency: lower edge of the lowest band, in Hz (0 ≤ minFrequency < maxFrequency).
    ///   - maxFrequency: upper edge of the highest band, in Hz (≤ sampleRate / 2).
    ///   - htk: the HTK mel scale `2595·log10(1 + f/700)` instead of Slaney's (linear below 1 kHz, log above).
    ///   - normalization: how each filter is scaled.
    /// - Throws: ``FeatureError/invalidConfiguration(field:reason:)`` naming the MFCC configuration key at fault.
    public init(
        sampleRate: Int,
        nFFT: Int,
        melCount: Int,
        minFrequency: Double,
        maxFrequency: Double,
        htk: Bool = false,
        normalization: Normalization = .slaney
    ) throws(FeatureError) {
        guard sampleRate > 0 else {
            throw .invalidConfiguration(field: "sample_rate", reason: "must be > 0 Hz, is \(sampleRate)")
        }
        guard nFFT >= 2 else { throw .invalidConfiguration(field: "n_fft", reason: "must be ≥ 2 samples, is \(nFFT)") }
        guard melCount >= 1 else {
            throw .invalidConfiguration(field: "n_mels", reason: "must be ≥ 1, is \(melCount)")
        }
        let nyquist = Double(sampleRate) / 2
        guard maxFrequency.isFinite, maxFrequency <= nyquist else {
            throw .invalidConfiguration(
                field: "fmax", reason: "must be ≤ sample_rate / 2 = \(nyquist) Hz, is \(maxFrequency)")
        }
        guard minFrequency.isFinite, minFrequency >= 0, minFrequency < maxFrequency else {
            throw .invalidConfiguration(
                field: "fmin", reason: "must be ≥ 0 Hz and < fmax = \(maxFrequency) Hz, is \(minFrequency)")
        }
        self.sampleRate = sampleRate
        self.nFFT = nFFT
        self.melCount = melCount

        // Band edges: melCount + 2 points equally spaced in mel (numpy.linspace), back in Hz.
        let lowMel = Self.melFromHz(minFrequency, htk: htk)
        let highMel = Self.melFromHz(maxFrequency, htk: htk)
        let edgeCount = melCount + 2
        let step = (highMel - lowMel) / Double(edgeCount - 1)
        var edges = (0..<edgeCount).map { Self.hzFromMel(lowMel + Double($0) * step, htk: htk) }
        edges[edgeCount - 1] = Self.hzFromMel(highMel, htk: htk)

        let binCount = nFFT / 2 + 1
        let binHz = nyquist / Double(binCount - 1)
        var firstBin = [Int]()
        var offsets = [0]
        var weights = [Float]()
        firstBin.reserveCapacity(melCount)
        offsets.reserveCapacity(melCount + 1)
        for m in 0..<melCount {
            let lowerWidth = edges[m + 1] - edges[m]
            let upperWidth = edges[m + 2] - edges[m + 1]
            let scale = normalization == .slaney ? 2 / (edges[m + 2] - edges[m]) : 1
            var first = -1
            var run = [Float]()
            for k in 0..<binCount {
                let frequency = Double(k) * binHz
                let rising = (frequency - edges[m]) / lowerWidth
                let falling = (edges[m + 2] - frequency) / upperWidth
                let weight = Float(max(0, min(rising, falling)) * scale)
                if weight > 0 {
                    if first < 0 { first = k }
                    // Zeros inside the span (none for triangles) keep the run contiguous.
                    run.append(contentsOf: repeatElement(0, count: k - first - run.count))
                    run.append(weight)
                }
            }
            firstBin.append(max(first, 0))
            weights.append(contentsOf: run)
            offsets.append(weights.count)
        }
        self.firstBin = firstBin
        self.offsets = offsets
        self.weights = weights
    }

    /// Builds the filters an MFCC configuration describes (`sample_rate`, `n_fft`, `n_mels`, `fmin`, `fmax`, `htk`,
    /// `mel_norm`).
    /// - Throws: ``FeatureError/invalidConfiguration(field:reason:)`` naming the key at fault.
    public init(configuration: MFCCConfiguration) throws(FeatureError) {
        try self.init(
            sampleRate: configuration.sampleRate,
            nFFT: configuration.nFFT,
            melCount: configuration.nMels,
            minFrequency: configuration.fMin,
            maxFrequency: configuration.fMax,
            htk: configuration.htk,
            normalization: configuration.melNorm
        )
    }

    /// The weight filter `mel` gives bin `bin` (0 outside its span): the dense `librosa.filters.mel` matrix entry.
    public func weight(mel: Int, bin: Int) -> Float {
        guard mel >= 0, mel < melCount else { return 0 }
        let index = bin - firstBin[mel]
        guard index >= 0, index < offsets[mel + 1] - offsets[mel] else { return 0 }
        return weights[offsets[mel] + index]
    }

    /// Band powers of one frame: `melPower[m] = Σₖ weight(m, k) · power[k]`, in the unit of `power`.
    ///
    /// Allocates nothing.
    /// - Parameters:
    ///   - power: at least ``binCount`` power-spectrum bins.
    ///   - melPower: at least ``melCount`` elements; receives the band powers.
    /// - Precondition: the buffer sizes above (contracts of the caller, not of the audio).
    public func apply(_ power: UnsafeBufferPointer<Float>, into melPower: UnsafeMutableBufferPointer<Float>) {
        precondition(power.count >= binCount, "MelFilterbank.apply: \(power.count) bins, expected \(binCount)")
        precondition(melPower.count >= melCount, "MelFilterbank.apply: room for \(melPower.count) bands")
        weights.withUnsafeBufferPointer { w in
            for m in 0..<melCount {
                let start = offsets[m]
                let base = firstBin[m] - start
                var sum: Float = 0
                for i in start..<offsets[m + 1] {
                    sum += w[i] * power[base + i]
                }
                melPower[m] = sum
            }
        }
    }

    /// Converts a frequency in Hz to mels: HTK's `2595·log10(1 + f/700)`, or Slaney's (librosa's default) scale,
    /// linear `f / (200/3)` below 1 kHz and logarithmic above, with 1 kHz at 15 mel.
    public static func melFromHz(_ hz: Double, htk: Bool) -> Double {
        if htk { return 2595 * log10(1 + hz / 700) }
        let linearStep = 200.0 / 3
        let logStep = log(6.4) / 27
        if hz >= 1000 { return 1000 / linearStep + log(hz / 1000) / logStep }
        return hz / linearStep
    }

    /// Converts mels back to Hz: the inverse of ``melFromHz(_:htk:)``.
    public static func hzFromMel(_ mel: Double, htk: Bool) -> Double {
        if htk { return 700 * (pow(10, mel / 2595) - 1) }
        let linearStep = 200.0 / 3
        let logStep = log(6.4) / 27
        let breakMel = 1000 / linearStep
        if mel >= breakMel { return 1000 * exp(logStep * (mel - breakMel)) }
        return mel * linearStep
    }
}
