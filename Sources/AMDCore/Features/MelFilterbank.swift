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
    /// The same filters as ``bandsPerGroup``-lane groups for ``apply(_:into:)``: group `g` covers steps
    /// `groupSteps[g]..<groupSteps[g + 1]`, and step `s` gives lane `j` (filter `4g + j`) the weight
    /// `groupWeights[4s + j]` of bin `groupBins[4s + j]`. A filter shorter than its group's longest is padded at its
    /// end with zero weights (on an in-range bin), which add exactly +0 to its non-negative sum.
    private let groupWeights: [Float]
    private let groupBins: [Int32]
    private let groupSteps: [Int]
    /// Filters summed together by ``apply(_:into:)``, one per SIMD lane.
    private static let bandsPerGroup = 4

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
        let lanes = Self.bandsPerGroup
        var groupWeights = [Float]()
        var groupBins = [Int32]()
        var groupSteps = [0]
        for group in 0..<((melCount + lanes - 1) / lanes) {
            let bands = (group * lanes)..<min(melCount, (group + 1) * lanes)
            let steps = bands.map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
            for step in 0..<steps {
                for lane in 0..<lanes {
                    let band = group * lanes + lane
                    let length = band < melCount ? offsets[band + 1] - offsets[band] : 0
                    let bin = band < melCount ? min(firstBin[band] + step, binCount - 1) : 0
                    groupWeights.append(step < length ? weights[offsets[band] + step] : 0)
                    groupBins.append(Int32(bin))
                }
            }
            groupSteps.append(groupSteps[groupSteps.count - 1] + steps)
        }
        self.groupWeights = groupWeights
        self.groupBins = groupBins
        self.groupSteps = groupSteps
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
        // Four filters at a time, each lane summing its weights in order from 0: the same sums, bit for bit, as one
        // filter at a time, in four independent chains of additions instead of one.
        groupWeights.withUnsafeBufferPointer { weights in
            groupBins.withUnsafeBufferPointer { bins in
                guard let rawWeights = weights.baseAddress.map(UnsafeRawPointer.init) else { return }
                let lanes = Self.bandsPerGroup
                for group in 0..<(groupSteps.count - 1) {
                    var sum = SIMD4<Float>()
                    for step in groupSteps[group]..<groupSteps[group + 1] {
                        let slot = step * lanes
                        let weight = rawWeights.loadUnaligned(
                            fromByteOffset: slot * MemoryLayout<Float>.stride, as: SIMD4<Float>.self)
                        let bands = SIMD4(
                            power[Int(bins[slot])], power[Int(bins[slot + 1])], power[Int(bins[slot + 2])],
                            power[Int(bins[slot + 3])])
                        sum += weight * bands
                    }
                    for lane in 0..<min(lanes, melCount - group * lanes) { melPower[group * lanes + lane] = sum[lane] }
                }
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
