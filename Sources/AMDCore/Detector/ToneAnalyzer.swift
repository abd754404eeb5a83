#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds tones in a frame's power spectrum: the strongest peak, its harmonic comb, a second simultaneous tone, and
/// how much of the band's energy they hold.
///
/// This is the signal analysis MFCCs cannot do on their own: a beep is one (or two) narrow, stable peaks whose
/// fundamental lies above a voice's pitch, standing far above the noise floor even when the beep is quieter than the
/// greeting. All buffers are sized at init; ``analyze(_:)`` allocates nothing.
public struct ToneAnalyzer: Sendable {
    /// Thresholds of the per-frame tone decision.
    public struct Thresholds: Sendable, Hashable, Codable {
        /// Least share of band energy in the tonal components (0...1).
        public var minPurity: Double = 0.45
        /// Least height of the strongest peak over the residual floor, in dB.
        public var minProminenceDb: Double = 18
        /// Least fundamental implied by the peaks, in Hz; lower means a voice's harmonic series.
        public var minFundamentalHz: Double = 320
        /// Lowest and highest frequency of the strongest peak, in Hz.
        public var minFrequencyHz: Double = 300
        /// Highest frequency of the strongest peak, in Hz.
        public var maxFrequencyHz: Double = 2400
        /// Least band energy, in dB relative to full scale; quieter frames are not analysed.
        public var minBandEnergyDb: Double = -60

        /// Default thresholds.
        public init() {}
    }

    /// The thresholds in force.
    public var thresholds: Thresholds
    /// Width of one FFT bin, in Hz.
    public let binHz: Double
    private let bandLow: Int
    /// Lowest bin searched for a voice's fundamental under the band (about 70 Hz).
    private let pitchLow: Int
    /// Frequency of the band's lowest bin, in Hz: no beep has a component under it.
    private let bandLowHz: Double
    private let bandHigh: Int
    private let peakLow: Int
    private let peakHigh: Int
    /// Power that a full-scale sine puts in the spectrum (sum over its bins), to express energies in dBFS.
    private let fullScalePower: Double
    /// Bins already assigned to a tonal component in the current frame.
    /// 1 where the bin is claimed, else 0: bytes rather than Bools, so that the loops over the band combine and add
    /// them without a branch per bin.
    private var claimed: [UInt8]
    /// Frequencies (Hz) and powers of the other clear peaks of the current frame, for the fundamental check.
    private var peakFrequencies = [Double](repeating: 0, count: 12)
    private var peakPowers = [Double](repeating: 0, count: 12)
    private var peakCount = 0

    /// Creates an analyzer for spectra of `fftSize` points at `sampleRate` Hz, Hann-windowed.
    public init(sampleRate: Int, fftSize: Int, thresholds: Thresholds = Thresholds()) {
        self.thresholds = thresholds
        binHz = Double(sampleRate) / Double(fftSize)
        bandLow = max(1, Int((250 / binHz).rounded(.down)))
        pitchLow = max(1, min(bandLow, Int((70 / binHz).rounded(.up))))
        bandLowHz = Double(bandLow) * binHz
        bandHigh = min(fftSize / 2 - 3, Int((3500 / binHz).rounded(.up)))
        peakLow = max(bandLow + 2, Int((thresholds.minFrequencyHz / binHz).rounded(.down)))
        peakHigh = min(bandHigh - 2, Int((thresholds.maxFrequencyHz / binHz).rounded(.up)))
        // A unit-amplitude sine through a periodic Hann window of N points: Σ|X|² = N·Σw²/2 = N·(3N/8)/2.
        let n = Double(fftSize)
        fullScalePower = n * (3 * n / 8) / 2
        claimed = [UInt8](repeating: 0, count: fftSize / 2 + 1)
    }

    /// Analyses one frame's power spectrum (`fftSize / 2 + 1` bins of |X|², input scaled to ±1).
    public mutating func analyze(_ power: UnsafeBufferPointer<Float>) -> ToneFrame {
        precondition(power.count >= claimed.count, "ToneAnalyzer.analyze: \(power.count) bins, need \(claimed.count)")
        // The claimed-bin flags are moved out while `self` is otherwise used, so the loops read and write them
        // through a pointer, without retaining the array or checking its uniqueness on every write.
        var flags: [UInt8] = []
        swap(&flags, &claimed)
        defer { swap(&flags, &claimed) }
        return flags.withUnsafeMutableBufferPointer { analyze(power, claimed: $0) }
    }

    /// ``analyze(_:)`` with the claimed-bin flags lent as a buffer.
    private mutating func analyze(
        _ power: UnsafeBufferPointer<Float>, claimed: UnsafeMutableBufferPointer<UInt8>
    )
        -> ToneFrame
    {
        var frame = ToneFrame()
        // The band's energy and its strongest peak in one pass: the same sums, in the same order, and the same
        // (first) maximum as two passes, with the peak's comparisons in the shadow of the additions' latency.
        var bandEnergy = 0.0
        for k in bandLow..<peakLow { bandEnergy += Double(power[k]) }
        var peak = peakLow
        var peakValue = power[peakLow]
        for k in peakLow...peakHigh {
            let value = power[k]
            bandEnergy += Double(value)
            if value > peakValue {
                peak = k
                peakValue = value
            }
        }
        for k in (peakHigh + 1)...bandHigh { bandEnergy += Double(power[k]) }
        frame.bandEnergyDb = 10 * log10(max(bandEnergy / fullScalePower, 1e-12))
        guard frame.bandEnergyDb >= thresholds.minBandEnergyDb else { return frame }

        let peakPower = Double(peakValue)
        guard peakPower > 0 else { return frame }
        frame.frequencyHz = interpolatedFrequency(power, bin: peak)

        for k in bandLow...bandHigh { claimed[k] = 0 }
        var tonalEnergy = claimComb(power, claimed: claimed, fundamentalHz: frame.frequencyHz)

        // A second independent tone: the strongest unclaimed peak, if it is within 12 dB of the first.
        // The first of the largest, as one comparison per bin: any power (≥ 0) beats the initial −1.
        var second = -1
        var secondValue: Float = -1
        for k in peakLow...peakHigh {
            let free = claimed[k - 1] | claimed[k] | claimed[k + 1] == 0
            let value = power[k]
            let better = free && value > secondValue
            second = better ? k : second
            secondValue = better ? value : secondValue
        }
        if second >= 0, Double(power[second]) >= peakPower * 0.063,
            power[second] >= power[second - 1], power[second] >= power[second + 1]
        {
            frame.secondFrequencyHz = interpolatedFrequency(power, bin: second)
            tonalEnergy += claim(power, claimed: claimed, center: second)
        }

        // Claimed bins add +0 (their power times 0) rather than being skipped: the same sum, bit for bit (powers
        // are ≥ 0, so the sum is never −0), without a branch on the flags.
        var residualEnergy = 0.0
        var residualBins = 0
        for k in bandLow...bandHigh {
            let unclaimed = 1 - claimed[k]
            residualEnergy += Double(power[k]) * Double(unclaimed)
            residualBins += Int(unclaimed)
        }
        let residualMean = max(residualEnergy / Double(max(residualBins, 1)), bandEnergy * 1e-9, 1e-20)
        frame.purity = min(1, tonalEnergy / max(bandEnergy, 1e-20))
        frame.prominenceDb = 10 * log10(peakPower / residualMean)
        // The harmonic-series check is the costly part; only frames that could be tonal need it.
        guard frame.purity >= thresholds.minPurity, frame.prominenceDb >= thresholds.minProminenceDb else {
            return frame
        }
        frame.impliedFundamentalHz = impliedFundamental(
            power,
            frequencyHz: frame.frequencyHz,
            peakPower: peakPower,
            floor: residualMean
        )
        frame.isTonal = frame.impliedFundamentalHz >= thresholds.minFundamentalHz
        return frame
    }

    /// Frequency of the peak at `bin`, refined by a parabola through the log powers of it and its neighbours.
    ///
    /// The three logarithms are taken at once in Float (``FloatLogarithm/natural(_:)``, the fourth lane unused)
    /// rather than by three calls of libm's Double `log`: the powers themselves are Floats, and the offset they give
    /// moves by well under a thousandth of a bin.
    private func interpolatedFrequency(_ power: UnsafeBufferPointer<Float>, bin: Int) -> Double {
        let floor = SIMD4<Float>(repeating: Self.interpolationFloor)
        let powers = SIMD4(power[bin - 1], power[bin], power[bin + 1], 1)
        let logs = FloatLogarithm.natural(powers.replacing(with: floor, where: powers .< floor))
        let a = Double(logs[0])
        let b = Double(logs[1])
        let c = Double(logs[2])
        let denominator = a - 2 * b + c
        let offset = denominator < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / denominator)) : 0
        return (Double(bin) + offset) * binHz
    }

    /// Least power the peak interpolation takes the logarithm of, in squared sample units (a normal Float).
    private static let interpolationFloor: Float = 1e-30

    /// Claims the main lobe (±2 bins) around `center` and returns the power it holds.
    private func claim(
        _ power: UnsafeBufferPointer<Float>, claimed: UnsafeMutableBufferPointer<UInt8>, center: Int
    ) -> Double {
        var energy = 0.0
        for k in max(bandLow, center - 2)...min(bandHigh, center + 2) where claimed[k] == 0 {
            claimed[k] = 1
            energy += Double(power[k])
        }
        return energy
    }

    /// Claims the fundamental's main lobe and those of its harmonics (up to the 8th, inside the band) that show as a
    /// peak within one bin of where they belong, and returns the power claimed. A tone that merely lies near a
    /// harmonic (DTMF's 1477 Hz beside 2 × 770 Hz) is left for the second-tone search.
    private func claimComb(
        _ power: UnsafeBufferPointer<Float>, claimed: UnsafeMutableBufferPointer<UInt8>, fundamentalHz: Double
    ) -> Double {
        var energy = claim(power, claimed: claimed, center: Int((fundamentalHz / binHz).rounded()))
        for harmonic in 2...8 {
            let expected = Double(harmonic) * fundamentalHz / binHz
            let center = Int(expected.rounded())
            if center + 2 > bandHigh { break }
            var best = center
            for k in (center - 1)...(center + 1) where power[k] > power[best] { best = k }
            guard abs(Double(best) - expected) <= 1, power[best] >= power[best - 1], power[best] >= power[best + 1]
            else { continue }
            energy += claim(power, claimed: claimed, center: best)
        }
        return energy
    }

    /// The highest fundamental whose harmonic series explains the peaks: `frequencyHz` itself unless other clear
    /// peaks sit on a `frequencyHz / m` grid (m = 2…6) at non-multiples of `frequencyHz`, as a voice's or an
    /// instrument's harmonics do. A low `m` needs one strong supporting peak, a high one two, so that a two-tone beep
    /// whose second tone falls near some grid line by chance is not mistaken for a voice. Peaks are sought down to
    /// 70 Hz, under the band, where a voice's own fundamental often survives the line's high-pass.
    private mutating func impliedFundamental(
        _ power: UnsafeBufferPointer<Float>,
        frequencyHz: Double,
        peakPower: Double,
        floor: Double
    ) -> Double {
        let threshold = max(peakPower * 0.01, floor * 10)
        let strong = peakPower * 0.03
        peakCount = 0
        for k in (pitchLow + 1)..<bandHigh where peakCount < peakFrequencies.count {
            let p = Double(power[k])
            guard p >= threshold, power[k] > power[k - 1], power[k] >= power[k + 1] else { continue }
            let f = interpolatedFrequency(power, bin: k)
            guard abs(f - frequencyHz) > 2.5 * binHz else { continue }
            peakFrequencies[peakCount] = f
            peakPowers[peakCount] = p
            peakCount += 1
        }
        for divisor in 2...6 {
            let candidate = frequencyHz / Double(divisor)
            if candidate < 70 { break }
            var fits = 0
            var strongFits = 0
            for i in 0..<peakCount {
                let f = peakFrequencies[i]
                let harmonic = (f / candidate).rounded()
                guard harmonic >= 1, Int(harmonic) % divisor != 0 else { continue }
                guard abs(f - harmonic * candidate) <= max(8, 0.01 * f) else { continue }
                fits += 1
                // Under the band no beep has a component, so a clear peak there on the grid is a voice's
                // fundamental that the line's filter left standing (a hum at 160 Hz whose second harmonic is the
                // loudest part in the band): it counts as strong. Rumble off the grid fits no candidate.
                if peakPowers[i] >= strong || f < bandLowHz { strongFits += 1 }
            }
            if fits >= 2 || (divisor <= 3 && strongFits >= 1) { return candidate }
        }
        return frequencyHz
    }
}
