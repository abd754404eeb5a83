import Foundation
import Testing

@testable import AMDCore

/// Frequency response, streaming and delay of ``Resampler``, measured with tones.
struct ResamplerTests {
    static let inputRates = [8000, 11_025, 22_050, 32_000, 44_100, 48_000]
    static let testAmplitude = 20_000.0

    /// A tone of `frequencyHz` at `rate`, rounded to Int16.
    static func tone(_ frequencyHz: Double, rate: Int, seconds: Double, amplitude: Double = testAmplitude) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        return (0..<count).map { Int16((amplitude * sin(2 * .pi * frequencyHz * Double($0) / Double(rate))).rounded()) }
    }

    /// Resamples a whole signal in one call.
    static func resample(_ input: [Int16], from rate: Int) throws -> (output: [Int16], resampler: Resampler) {
        var resampler = try Resampler(inputRate: rate)
        var output = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: input.count))
        let written = input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { resampler.process(input, into: $0) }
        }
        return (Array(output.prefix(written)), resampler)
    }

    /// Amplitude of the `frequencyHz` component of `signal` (at `rate`), by a least-squares fit of a cosine and a
    /// sine after the first `skip` samples (the filter's start-up).
    static func amplitude(of frequencyHz: Double, in signal: [Int16], rate: Int, skip: Int) -> Double {
        var (cc, ss, cs, yc, ys) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for n in skip..<signal.count {
            let phase = 2 * Double.pi * frequencyHz * Double(n) / Double(rate)
            let (c, s, y) = (cos(phase), sin(phase), Double(signal[n]))
            cc += c * c
            ss += s * s
            cs += c * s
            yc += y * c
            ys += y * s
        }
        let determinant = cc * ss - cs * cs
        let a = (yc * ss - ys * cs) / determinant
        let b = (ys * cc - yc * cs) / determinant
        return (a * a + b * b).squareRoot()
    }

    static func decibels(_ amplitude: Double) -> Double { 20 * log10(max(amplitude, 1e-9) / testAmplitude) }

    /// The frequency at which `frequencyHz` appears after sampling at 16 kHz.
    static func folded(_ frequencyHz: Double) -> Double {
        let r = frequencyHz.truncatingRemainder(dividingBy: 16_000)
        return r > 8000 ? 16_000 - r : r
    }

    @Test(arguments: inputRates)
    func passbandIsFlatWithinHalfADecibelTo3400Hz(rate: Int) throws {
        var worst = 0.0
        for frequency in stride(from: 100.0, through: 3400, by: 150) {
            let (output, resampler) = try Self.resample(Self.tone(frequency, rate: rate, seconds: 0.25), from: rate)
            let gain = Self.decibels(
                Self.amplitude(of: frequency, in: output, rate: 16_000, skip: 2 * resampler.delay + 64))
            worst = max(worst, abs(gain))
            #expect(abs(gain) <= 0.5, "\(rate) Hz input: \(frequency) Hz comes out at \(gain) dB")
        }
        print("resampler \(rate) Hz → 16 kHz: passband deviation ≤ \(String(format: "%.4f", worst)) dB (100…3400 Hz)")
    }

    @Test func imagesOf8kHzInputAreAtLeast50dBDown() throws {
        var worst = -200.0
        for frequency in stride(from: 600.0, through: 3400, by: 100) {
            let (output, resampler) = try Self.resample(Self.tone(frequency, rate: 8000, seconds: 0.25), from: 8000)
            let image = 8000 - frequency  // 4.6…7.4 kHz
            let level = Self.decibels(
                Self.amplitude(of: image, in: output, rate: 16_000, skip: 2 * resampler.delay + 64))
            worst = max(worst, level)
            #expect(level <= -50, "\(frequency) Hz at 8 kHz leaves an image at \(image) Hz of \(level) dB")
        }
        print("resampler 8 kHz → 16 kHz: worst image (4.6…7.4 kHz) \(String(format: "%.1f", worst)) dB")
    }

    @Test(arguments: [22_050, 32_000, 44_100, 48_000])
    func aliasesOfTonesAbove8500HzAreAtLeast50dBDown(rate: Int) throws {
        var worst = -200.0
        let top = min(20_000.0, Double(rate) / 2 - 100)
        for frequency in stride(from: 8500.0, through: top, by: 350) {
            let alias = Self.folded(frequency)
            // A fit at 0 Hz or at the output Nyquist frequency cannot separate cosine from sine: step off them.
            let probe = (alias < 50 || alias > 7950) ? frequency + 120 : frequency
            let (output, resampler) = try Self.resample(Self.tone(probe, rate: rate, seconds: 0.25), from: rate)
            let skip = 2 * resampler.delay + 64
            let level = Self.decibels(Self.amplitude(of: Self.folded(probe), in: output, rate: 16_000, skip: skip))
            worst = max(worst, level)
            #expect(level <= -50, "\(probe) Hz at \(rate) Hz aliases to \(Self.folded(probe)) Hz at \(level) dB")
        }
        print("resampler \(rate) Hz → 16 kHz: worst alias (8.5…\(Int(top)) Hz) \(String(format: "%.1f", worst)) dB")
    }

    @Test(arguments: [8000, 11_025, 44_100, 48_000])
    func chunkedProcessingEqualsOneShotBitForBit(rate: Int) throws {
        var generator = SplitMix64(seed: UInt64(rate))
        let input = (0..<(rate / 2)).map { n in
            let noise = Double(Int(generator.next() % 4001) - 2000)
            return Int16(noise + 12_000 * sin(2 * .pi * 1234 * Double(n) / Double(rate)))
        }
        let (expected, _) = try Self.resample(input, from: rate)

        var resampler = try Resampler(inputRate: rate)
        var chunked = [Int16]()
        var scratch = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: 1000))
        var start = 0
        while start < input.count {
            let size = min(Int(generator.next() % 1000), input.count - start)  // 0…999, zero-length chunks included
            let written = input[start..<(start + size)].withUnsafeBufferPointer { chunk in
                scratch.withUnsafeMutableBufferPointer { resampler.process(chunk, into: $0) }
            }
            #expect(written <= resampler.maxOutputCount(forInputCount: size))
            chunked += scratch.prefix(written)
            start += size
        }
        #expect(chunked.count == expected.count)
        #expect(chunked == expected)
    }

    /// The four-lane rounding to Int16 must give the scalar rounding's results, bit for bit: at halves and just under
    /// them (where the Float addition of ±0.5 itself rounds), at ±0, at and beyond full scale, and on random values.
    @Test func roundingFourAtATimeEqualsOneAtATime() {
        var values: [Float] = [
            0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1.4999999, -1.4999999, 32_767, 32_767.4,
            32_767.5, 32_768, 40_000, -32_768, -32_768.5, -32_769, -40_000, 1e30, -1e30, 12_345.5, -12_345.5,
        ]
        var generator = SplitMix64(seed: 16)
        for _ in 0..<40_000 {
            let magnitude = Float(generator.next() % 70_000) / Float(1 << (generator.next() % 12))
            values.append(generator.next() % 2 == 0 ? magnitude : -magnitude)
        }
        while values.count % 4 != 0 { values.append(0) }
        for start in stride(from: 0, to: values.count, by: 4) {
            let lanes = SIMD4(values[start], values[start + 1], values[start + 2], values[start + 3])
            let rounded = Resampler.int16(lanes)
            for lane in 0..<4 {
                #expect(rounded[lane] == Resampler.int16(lanes[lane]), "\(lanes[lane])")
            }
        }
    }

    /// Doubling computes four input samples at a time when a chunk has them; one sample at a time it never can.
    /// Both must give the same samples, bit for bit.
    @Test func doublingFourAtATimeEqualsOneAtATime() throws {
        var generator = SplitMix64(seed: 8000)
        let input = (0..<4000).map { n -> Int16 in
            let noise = Double(Int(generator.next() % 4001) - 2000)
            return Int16(noise + 12_000 * sin(2 * .pi * 1234 * Double(n) / 8000))
        }
        let (expected, _) = try Self.resample(input, from: 8000)
        var resampler = try Resampler(inputRate: 8000)
        var single = [Int16]()
        var scratch = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: 1))
        for sample in input {
            let written = [sample].withUnsafeBufferPointer { chunk in
                scratch.withUnsafeMutableBufferPointer { resampler.process(chunk, into: $0) }
            }
            single += scratch.prefix(written)
        }
        #expect(single == expected)
    }

    @Test(arguments: inputRates)
    func delayLocatesAnImpulse(rate: Int) throws {
        var input = [Int16](repeating: 0, count: rate / 10)
        let at = rate / 20
        input[at] = 30_000
        let (output, resampler) = try Self.resample(input, from: rate)
        let peak = output.indices.max { abs(Int(output[$0])) < abs(Int(output[$1])) } ?? 0
        let predicted = Double(at) * 16_000 / Double(rate) + Double(resampler.delay)
        #expect(abs(Double(peak) - predicted) <= 1, "impulse at input \(at) peaks at \(peak), predicted \(predicted)")
    }

    @Test func resetRestartsFromSilence() throws {
        let input = Self.tone(440, rate: 8000, seconds: 0.05)
        var resampler = try Resampler(inputRate: 8000)
        var first = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: input.count))
        var second = first
        let n1 = input.withUnsafeBufferPointer { i in
            first.withUnsafeMutableBufferPointer { resampler.process(i, into: $0) }
        }
        resampler.reset()
        let n2 = input.withUnsafeBufferPointer { i in
            second.withUnsafeMutableBufferPointer { resampler.process(i, into: $0) }
        }
        #expect(n1 == n2)
        #expect(first == second)
    }

    @Test func equalRatesPassThrough() throws {
        let input = Self.tone(1000, rate: 16_000, seconds: 0.01)
        let (output, resampler) = try Self.resample(input, from: 16_000)
        #expect(resampler.isPassthrough)
        #expect(resampler.delay == 0)
        #expect(output == input)
    }

    @Test func shortOutputBufferDropsSamplesWithoutTrapping() throws {
        let input = Self.tone(1000, rate: 8000, seconds: 0.01)
        var resampler = try Resampler(inputRate: 8000)
        var output = [Int16](repeating: 0, count: 10)
        let written = input.withUnsafeBufferPointer { i in
            output.withUnsafeMutableBufferPointer { resampler.process(i, into: $0) }
        }
        #expect(written == 10)
    }

    @Test func rejectsUnsupportedRates() {
        #expect(throws: ResamplerError.unsupportedInputRate(0)) { try Resampler(inputRate: 0) }
        #expect(throws: ResamplerError.unsupportedOutputRate(-16_000)) {
            try Resampler(inputRate: 8000, outputRate: -16_000)
        }
        #expect(throws: ResamplerError.ratioTooFine(inputRate: 9973, outputRate: 16_000, phases: 16_000)) {
            try Resampler(inputRate: 9973)
        }
    }
}

/// A small seeded generator, so test signals and chunk sizes are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
