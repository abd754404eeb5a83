/// Streaming rational sample-rate converter for 16-bit PCM, by default to the detector's 16 kHz.
///
/// The rates reduce to a ratio L/M (8 kHz → 16 kHz is 2/1, 44.1 kHz → 16 kHz is 160/441, 48 kHz → 16 kHz is 1/3).
/// A Kaiser-windowed sinc low-pass is designed at init for the interpolated rate L·input and split into L polyphase
/// branches; each output sample is one branch's dot product with the most recent input samples. The prototype keeps
/// the passband (to 85 % of the lower Nyquist frequency, 3.4 kHz for 8 kHz input) flat within 0.05 dB and puts
/// images and aliases 60 dB down. Equal rates pass samples through unchanged.
///
/// Why our own polyphase FIR rather than libspeexdsp's resampler: no extra C dependency for every platform the
/// daemon ships on; the Float inner loop is a plain multiply-accumulate over contiguous taps in SIMD groups, so it
/// vectorises in release builds and stays the same on every architecture; and we control the filter exactly, so
/// ``delay`` is known to the sample and onset times can be corrected, and output is bit-identical however the
/// input is chunked.
///
/// State (the last taps-per-branch input samples) persists across ``process(_:into:)`` calls of any size; nothing is
/// allocated after init.
public struct Resampler: Sendable {
    /// Rates, in Hz, accepted for input and output.
    public static let supportedRates = 1000...384_000
    /// The most interpolation phases (L) a rate pair may need; 11025 Hz → 16 kHz needs 640.
    public static let maxPhases = 2048
    /// Taps per branch are a multiple of this, the width of the SIMD multiply-accumulate.
    static let tapGroup = 4
    /// Input samples converted from Int16 to Float at a time.
    static let conversionLanes = 4
    /// Input samples converted to Float per inner block; the history holds this many plus the filter span.
    static let blockSize = 1024

    /// The input rate, in Hz.
    public let inputRate: Int
    /// The output rate, in Hz.
    public let outputRate: Int
    /// Interpolation factor L: the output rate over gcd(input, output).
    public let upFactor: Int
    /// Decimation factor M: the input rate over gcd(input, output).
    public let downFactor: Int
    /// Group delay of the filter, in output samples (rounded): an input event at input time t appears at output
    /// sample t·output/input + delay. Zero when the rates are equal.
    public let delay: Int
    /// Taps per polyphase branch: the multiply-accumulates spent on each output sample.
    public let tapsPerPhase: Int

    /// Polyphase taps, branch-major, each branch reversed (see ``Design/taps``).
    private let taps: [Float]
    /// Per branch, the window index it copies when it is a pure delay, else −1 (see ``Design/pureDelayTap``).
    private let pureDelayTap: [Int]
    /// For doubling (L = 2, M = 1) with one pure-delay branch, the common case (G.711 to the detector's rate):
    /// that branch and its tap, so ``produce(into:written:)`` can take four input samples (eight outputs) at a time.
    private let doubling: (delayPhase: Int, delayTap: Int)?
    /// Whole input samples the window advances per output: ``downFactor`` / ``upFactor``.
    private let baseStep: Int
    /// Branches the phase advances per output: ``downFactor`` mod ``upFactor``.
    private let phaseStep: Int
    /// Recent input samples as Float: `history[i]` is input sample `historyStart + i`.
    private var history: [Float]
    private var historyStart = 0
    private var historyCount = 0
    /// Input index of the newest sample the next output depends on.
    private var nextBase = 0
    /// Polyphase branch of the next output (0..<upFactor).
    private var phase = 0

    /// Designs the filter bank for converting `inputRate` to `outputRate`.
    /// - Parameters:
    ///   - inputRate: the input rate in Hz, e.g. 8000, 11025, 16000, 22050, 32000, 44100 or 48000.
    ///   - outputRate: the output rate in Hz; 16000 (the detector's rate) by default.
    /// - Throws: ``ResamplerError`` when a rate is outside ``supportedRates`` or the ratio needs more than
    ///   ``maxPhases`` branches.
    public init(inputRate: Int, outputRate: Int = 16_000) throws(ResamplerError) {
        guard Self.supportedRates.contains(inputRate) else { throw .unsupportedInputRate(inputRate) }
        guard Self.supportedRates.contains(outputRate) else { throw .unsupportedOutputRate(outputRate) }
        let divisor = Self.gcd(inputRate, outputRate)
        let up = outputRate / divisor
        guard up <= Self.maxPhases else {
            throw .ratioTooFine(inputRate: inputRate, outputRate: outputRate, phases: up)
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        upFactor = up
        downFactor = inputRate / divisor
        baseStep = downFactor / up
        phaseStep = downFactor % up
        if up == 1 && downFactor == 1 {
            tapsPerPhase = 0
            taps = []
            pureDelayTap = []
            doubling = nil
            delay = 0
            history = []
        } else {
            let down = downFactor
            let design = Self.designs.value(for: [inputRate, outputRate]) {
                Self.design(inputRate: inputRate, outputRate: outputRate, up: up, down: down)
            }
            tapsPerPhase = design.tapsPerPhase
            taps = design.taps
            pureDelayTap = design.pureDelayTap
            if up == 2, downFactor == 1, let delayPhase = design.pureDelayTap.firstIndex(where: { $0 >= 0 }),
                design.pureDelayTap[1 - delayPhase] < 0
            {
                doubling = (delayPhase, design.pureDelayTap[delayPhase])
            } else {
                doubling = nil
            }
            delay = Int(design.delayOutputSamples.rounded())
            history = [Float](repeating: 0, count: design.tapsPerPhase - 1 + Self.blockSize)
        }
        reset()
    }

    /// Whether samples pass through unchanged (equal rates).
    public var isPassthrough: Bool { tapsPerPhase == 0 }

    /// The most output samples ``process(_:into:)`` can write for `inputCount` input samples, whatever came before.
    public func maxOutputCount(forInputCount inputCount: Int) -> Int {
        if isPassthrough { return max(0, inputCount) }
        return (max(0, inputCount) * upFactor + downFactor - 1) / downFactor + 1
    }

    /// Forgets all past input, as if newly created (the filter restarts from silence).
    public mutating func reset() {
        for i in history.indices { history[i] = 0 }
        // The filter starts on tapsPerPhase − 1 zeros preceding input sample 0.
        historyStart = -(tapsPerPhase - 1)
        historyCount = max(0, tapsPerPhase - 1)
        nextBase = 0
        phase = 0
    }

    /// Converts the next chunk of the stream.
    ///
    /// Chunks may have any size, including 0; the output is the same sample for sample however the stream is cut.
    /// Allocates nothing.
    /// - Parameters:
    ///   - input: the next input samples, at ``inputRate``.
    ///   - output: room for at least ``maxOutputCount(forInputCount:)`` samples; if it is shorter, the output
    ///     samples that do not fit are dropped (the stream's timing is kept).
    /// - Returns: the number of samples written to `output`, from index 0.
    public mutating func process(
        _ input: UnsafeBufferPointer<Int16>,
        into output: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        if isPassthrough {
            let count = min(input.count, output.count)
            for i in 0..<count { output[i] = input[i] }
            return count
        }
        var consumed = 0
        var written = 0
        let capacity = history.count
        while consumed < input.count {
            let count = min(capacity - historyCount, input.count - consumed)
            let start = historyCount
            history.withUnsafeMutableBufferPointer { history in
                guard let source = input.baseAddress, let destination = history.baseAddress else { return }
                // Four samples per conversion: Int16 → Int32 → Float is exact either way.
                let from = UnsafeRawPointer(source + consumed)
                let to = UnsafeMutableRawPointer(destination + start)
                var i = 0
                while i + Self.conversionLanes <= count {
                    let samples = from.loadUnaligned(
                        fromByteOffset: i * MemoryLayout<Int16>.stride, as: SIMD4<Int16>.self)
                    to.storeBytes(
                        of: SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: samples)),
                        toByteOffset: i * MemoryLayout<Float>.stride, as: SIMD4<Float>.self)
                    i += Self.conversionLanes
                }
                while i < count {
                    history[start + i] = Float(input[consumed + i])
                    i += 1
                }
            }
            historyCount += count
            consumed += count
            written = produce(into: output, written: written)
            discardUnneededHistory()
        }
        return written
    }

    /// Computes every output whose input window is complete; returns the new count written.
    private mutating func produce(into output: UnsafeMutableBufferPointer<Int16>, written: Int) -> Int {
        var written = written
        let span = tapsPerPhase
        let end = historyStart + historyCount
        let up = upFactor
        let baseStep = baseStep
        let phaseStep = phaseStep
        var base = nextBase
        var phase = phase
        taps.withUnsafeBufferPointer { taps in
            history.withUnsafeBufferPointer { history in
                pureDelayTap.withUnsafeBufferPointer { pureDelayTap in
                    guard let tapBase = taps.baseAddress, let historyBase = history.baseAddress,
                        let out = output.baseAddress
                    else { return }
                    while base < end {
                        // Doubling, at a branch-0 output with four whole input samples and eight outputs of room:
                        // their four filtered outputs share the taps and differ by one sample in their windows, so
                        // one pass over the taps computes all four (see ``dot4(_:_:count:)``).
                        if let doubling, phase == 0, base + Self.batch <= end, written + 2 * Self.batch <= output.count
                        {
                            let window = historyBase + (base - (span - 1) - historyStart)
                            let filtered = 1 - doubling.delayPhase
                            let sums = Self.dot4(tapBase + filtered * span, window, count: span)
                            let delayed = Self.int16(
                                UnsafeRawPointer(window + doubling.delayTap).loadUnaligned(as: SIMD4<Float>.self))
                            let computed = Self.int16(sums)
                            let (even, odd) = doubling.delayPhase == 0 ? (delayed, computed) : (computed, delayed)
                            let pairs = SIMD8(
                                even[0], odd[0], even[1], odd[1], even[2], odd[2], even[3], odd[3])
                            UnsafeMutableRawPointer(out + written).storeBytes(of: pairs, as: SIMD8<Int16>.self)
                            written += 2 * Self.batch
                            base += Self.batch
                            continue
                        }
                        if written < output.count {
                            let window = historyBase + (base - (span - 1) - historyStart)
                            let delayTap = pureDelayTap[phase]
                            output[written] =
                                delayTap >= 0
                                ? Self.int16(window[delayTap])
                                : Self.int16(Self.dot(tapBase + phase * span, window, count: span))
                            written += 1
                        }
                        base += baseStep
                        phase += phaseStep
                        if phase >= up {
                            phase -= up
                            base += 1
                        }
                    }
                }
            }
        }
        nextBase = base
        self.phase = phase
        return written
    }

    /// Drops the samples no future output needs, keeping the last tapsPerPhase − 1 before ``nextBase``.
    private mutating func discardUnneededHistory() {
        let drop = min(nextBase - (tapsPerPhase - 1) - historyStart, historyCount)
        guard drop > 0 else { return }
        let kept = historyCount - drop
        history.withUnsafeMutableBufferPointer { history in
            for i in 0..<kept { history[i] = history[drop + i] }
        }
        historyStart += drop
        historyCount = kept
    }

    /// Σ a[i]·b[i] over `count` (a multiple of ``tapGroup``) Floats, in a fixed order so results are reproducible.
    ///
    /// Two 4-lane accumulators hide the add latency; `+=` of a product rather than `addingProduct`, which without
    /// FMA enabled in the target becomes a libm call per lane.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        let lane = MemoryLayout<SIMD4<Float>>.stride
        let byteCount = count * MemoryLayout<Float>.stride
        var sum0 = SIMD4<Float>()
        var sum1 = SIMD4<Float>()
        var offset = 0
        while offset + 2 * lane <= byteCount {
            sum0 +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            sum1 +=
                rawA.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            offset += 2 * lane
        }
        if offset < byteCount {
            sum0 +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
        }
        let sum = sum0 + sum1
        return (sum[0] + sum[2]) + (sum[1] + sum[3])
    }

    /// Input samples (pairs of outputs) taken at a time when doubling.
    static let batch = 4

    /// ``dot(_:_:count:)`` of the taps `a` with the four windows `b`, `b + 1`, `b + 2`, `b + 3`, in lanes 0 to 3.
    ///
    /// Each lane adds the same products in the same order as ``dot(_:_:count:)``, so the results are bit-identical
    /// to four calls of it; the taps are loaded once, and eight independent accumulators hide the add latency.
    @inline(__always)
    private static func dot4(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
        let taps = UnsafeRawPointer(a)
        let b0 = UnsafeRawPointer(b), b1 = UnsafeRawPointer(b + 1)
        let b2 = UnsafeRawPointer(b + 2), b3 = UnsafeRawPointer(b + 3)
        let lane = MemoryLayout<SIMD4<Float>>.stride
        let byteCount = count * MemoryLayout<Float>.stride
        var low0 = SIMD4<Float>(), low1 = SIMD4<Float>(), low2 = SIMD4<Float>(), low3 = SIMD4<Float>()
        var high0 = SIMD4<Float>(), high1 = SIMD4<Float>(), high2 = SIMD4<Float>(), high3 = SIMD4<Float>()
        var offset = 0
        while offset + 2 * lane <= byteCount {
            let tapLow = taps.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            let tapHigh = taps.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            low0 += tapLow * b0.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low1 += tapLow * b1.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low2 += tapLow * b2.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low3 += tapLow * b3.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            high0 += tapHigh * b0.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            high1 += tapHigh * b1.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            high2 += tapHigh * b2.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            high3 += tapHigh * b3.loadUnaligned(fromByteOffset: offset + lane, as: SIMD4<Float>.self)
            offset += 2 * lane
        }
        if offset < byteCount {
            let tapLow = taps.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low0 += tapLow * b0.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low1 += tapLow * b1.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low2 += tapLow * b2.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            low3 += tapLow * b3.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
        }
        let s0 = low0 + high0, s1 = low1 + high1, s2 = low2 + high2, s3 = low3 + high3
        // Transposed, so that lane j of each vector belongs to window j: (s[0] + s[2]) + (s[1] + s[3]) per window.
        let first = SIMD4(s0[0], s1[0], s2[0], s3[0]), second = SIMD4(s0[1], s1[1], s2[1], s3[1])
        let third = SIMD4(s0[2], s1[2], s2[2], s3[2]), fourth = SIMD4(s0[3], s1[3], s2[3], s3[3])
        return (first + third) + (second + fourth)
    }

    /// Rounds to the nearest Int16 (halves away from zero), saturating at full scale.
    ///
    /// The half takes the sign of the value by `copysign`, not by a comparison: audio changes sign at random, so a
    /// branch on it would be mispredicted about every other sample. (−0 gets −0.5 instead of +0.5; both truncate
    /// to 0.)
    @inline(__always)
    static func int16(_ value: Float) -> Int16 {
        let clamped = min(max(value, -32_768), 32_767)
        return Int16(clamped + Float(signOf: clamped, magnitudeOf: 0.5))
    }

    /// 1.5 · 2²³: a Float of magnitude under 2²² plus this lands where the spacing of Floats is 1, so the sum is
    /// that Float rounded to an integer (to nearest, ties to even), held in the low bits of its significand.
    private static let roundingBias: Float = 12_582_912

    /// ``int16(_:)`` of four values at once, bit for bit: the same clamp and the same Float addition of ±0.5, then
    /// the truncation done in SIMD registers (the scalar conversion checks each value for range and NaN, which
    /// cost more than the rest of the rounding, and Swift's SIMD conversion from Float to integers is not
    /// vectorised).
    @inline(__always)
    static func int16(_ values: SIMD4<Float>) -> SIMD4<Int16> {
        // The clamp by masks: SIMD's `clamped` and `pointwiseMin` are generic calls here, not single instructions.
        let low = SIMD4<Float>(repeating: -32_768)
        let high = SIMD4<Float>(repeating: 32_767)
        let clamped = values.replacing(with: low, where: values .< low).replacing(with: high, where: values .> high)
        let signBits = unsafeBitCast(clamped, to: SIMD4<UInt32>.self) & SIMD4(repeating: 0x8000_0000)
        let half = unsafeBitCast(signBits | SIMD4(repeating: Float(0.5).bitPattern), to: SIMD4<Float>.self)
        let shifted = clamped + half
        // |shifted| ≤ 32768.5: adding the bias rounds it to the nearest integer exactly, and subtracting it again
        // is exact too.
        let biased = shifted + SIMD4(repeating: roundingBias)
        let nearest = biased - SIMD4(repeating: roundingBias)
        var integers =
            unsafeBitCast(biased, to: SIMD4<Int32>.self) &- SIMD4(repeating: Int32(roundingBias.bitPattern))
        // Truncation: where rounding went away from zero, one step back towards it.
        let zero = SIMD4<Float>()
        let one = SIMD4<Int32>(repeating: 1)
        integers &-= SIMD4<Int32>().replacing(with: one, where: (shifted .> zero) .& (nearest .> shifted))
        integers &+= SIMD4<Int32>().replacing(with: one, where: (shifted .< zero) .& (nearest .< shifted))
        return SIMD4<Int16>(truncatingIfNeeded: integers)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
