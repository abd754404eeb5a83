import AMDCore
import Foundation
import Testing

/// `Fixtures/mfcc/rfft.json`, written by `tools/fixtures/gen_mfcc.py`: numpy.fft.rfft of float32 inputs, in float64.
private struct RFFTFixture: Decodable {
    struct Case: Decodable {
        var size: Int
        var input: [Float]
        var real: [Double]
        var imag: [Double]
    }
    var reference: String
    var cases: [Case]
}

/// Reads a committed fixture file (path relative to the `Fixtures` folder) from the test bundle.
func fixtureData(_ relativePath: String) throws -> Data {
    let base = try #require(Bundle.module.resourceURL, "test bundle has no resources")
    return try Data(contentsOf: base.appendingPathComponent("Fixtures").appendingPathComponent(relativePath))
}

/// The DFT of a real signal computed the slow way, in Double: `size / 2 + 1` bins.
private func naiveDFT(_ x: [Float]) -> (real: [Double], imag: [Double]) {
    let n = x.count
    let cosTable = (0..<n).map { cos(2 * Double.pi * Double($0) / Double(n)) }
    let sinTable = (0..<n).map { sin(2 * Double.pi * Double($0) / Double(n)) }
    var real = [Double](repeating: 0, count: n / 2 + 1)
    var imag = [Double](repeating: 0, count: n / 2 + 1)
    for k in 0...(n / 2) {
        var sumReal = 0.0
        var sumImag = 0.0
        for t in 0..<n {
            let index = (k * t) % n
            sumReal += Double(x[t]) * cosTable[index]
            sumImag -= Double(x[t]) * sinTable[index]
        }
        real[k] = sumReal
        imag[k] = sumImag
    }
    return (real, imag)
}

/// Runs `forward` and returns the bins as arrays.
private func transform(_ fft: RealFFT, _ input: [Float]) -> (real: [Float], imag: [Float]) {
    var real = [Float](repeating: .nan, count: fft.binCount)
    var imag = [Float](repeating: .nan, count: fft.binCount)
    input.withUnsafeBufferPointer { x in
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in fft.forward(x, real: re, imag: im) }
        }
    }
    return (real, imag)
}

/// Largest `|X − reference|` over all bins, relative to the largest reference magnitude.
private func relativeError(
    _ got: (real: [Float], imag: [Float]),
    _ want: (real: [Double], imag: [Double])
) -> Double {
    var worst = 0.0
    var scale = 0.0
    for k in want.real.indices {
        let dr = Double(got.real[k]) - want.real[k]
        let di = Double(got.imag[k]) - want.imag[k]
        worst = max(worst, (dr * dr + di * di).squareRoot())
        scale = max(scale, (want.real[k] * want.real[k] + want.imag[k] * want.imag[k]).squareRoot())
    }
    return worst / scale
}

/// Deterministic uniform noise in −1…1 (a 64-bit LCG), so failures reproduce.
private func noise(count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Double(state >> 11) / Double(1 << 53) * 2 - 1)
    }
}

struct RealFFTTests {
    @Test(arguments: [0, 8, 12, 100, 1000, 16384, -16])
    func rejectsUnsupportedSizes(size: Int) {
        #expect(throws: FeatureError.unsupportedFFTSize(size)) { try RealFFT(size: size) }
    }

    /// Tolerance: max |Δbin| ≤ 1e-6 × max |X| (float32 arithmetic against a float64 reference).
    @Test func matchesNumpyRFFT() throws {
        let fixture = try JSONDecoder().decode(RFFTFixture.self, from: fixtureData("mfcc/rfft.json"))
        #expect(fixture.cases.count >= 5)
        for testCase in fixture.cases {
            let fft = try RealFFT(size: testCase.size)
            let error = relativeError(transform(fft, testCase.input), (testCase.real, testCase.imag))
            print("RealFFT vs numpy.fft.rfft, size \(testCase.size): max relative error \(error)")
            #expect(error <= 1e-6, "size \(testCase.size)")
        }
    }

    /// Tolerance: max |Δbin| ≤ 1e-6 × max |X| against a float64 DFT computed term by term.
    @Test(arguments: [16, 32, 64, 128, 256, 512, 1024, 2048])
    func matchesNaiveDFT(size: Int) throws {
        let input = noise(count: size, seed: UInt64(size))
        let error = relativeError(transform(try RealFFT(size: size), input), naiveDFT(input))
        print("RealFFT vs naive DFT, size \(size): max relative error \(error)")
        #expect(error <= 1e-6)
    }

    /// The largest sizes, where a naive DFT is too slow in debug builds: a cosine on bin `k` gives `size / 2` there
    /// and (nearly) 0 elsewhere, and Parseval's identity holds.
    @Test(arguments: [4096, 8192])
    func largeSizesPlaceACosineOnItsBin(size: Int) throws {
        let bin = size / 8 + 3
        let input = (0..<size).map { Float(cos(2 * Double.pi * Double(bin * $0) / Double(size))) }
        let (real, imag) = transform(try RealFFT(size: size), input)
        #expect(abs(Double(real[bin]) - Double(size / 2)) <= 1e-3 * Double(size))
        var leakage: Float = 0
        for k in real.indices where k != bin {
            leakage = max(leakage, (real[k] * real[k] + imag[k] * imag[k]).squareRoot())
        }
        #expect(leakage <= 1e-5 * Float(size))

        let random = noise(count: size, seed: 7)
        let (r, i) = transform(try RealFFT(size: size), random)
        let timeEnergy = random.reduce(0.0) { $0 + Double($1) * Double($1) }
        var frequencyEnergy = Double(r[0] * r[0] + r[size / 2] * r[size / 2])
        for k in 1..<(size / 2) { frequencyEnergy += 2 * Double(r[k] * r[k] + i[k] * i[k]) }
        #expect(abs(frequencyEnergy / Double(size) - timeEnergy) <= 1e-5 * timeEnergy)
    }

    @Test(arguments: [16, 512, 8192])
    func powerSpectrumIsSquaredMagnitude(size: Int) throws {
        var fft = try RealFFT(size: size)
        let input = noise(count: size, seed: 99)
        let (real, imag) = transform(fft, input)
        var power = [Float](repeating: .nan, count: fft.binCount)
        for _ in 0..<2 {  // twice: the workspace is reused
            input.withUnsafeBufferPointer { x in
                power.withUnsafeMutableBufferPointer { fft.powerSpectrum(x, into: $0) }
            }
            for k in power.indices {
                let expected = real[k] * real[k] + imag[k] * imag[k]
                #expect(abs(power[k] - expected) <= 1e-6 * max(expected, 1), "bin \(k)")
            }
        }
    }

    @Test func binCountAndSize() throws {
        let fft = try RealFFT(size: 512)
        #expect(fft.size == 512)
        #expect(fft.binCount == 257)
    }
}
