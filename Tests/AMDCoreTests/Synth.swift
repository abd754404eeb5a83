import Foundation

/// Deterministic test signals at a given rate: tones, noise, cadences. Amplitudes are fractions of full scale.
struct Synth {
    let rate: Int
    private var state: UInt64

    init(rate: Int = 16_000, seed: UInt64 = 1) {
        self.rate = rate
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    func samples(_ seconds: Double) -> Int { Int((seconds * Double(rate)).rounded()) }

    func silence(_ seconds: Double) -> [Double] { [Double](repeating: 0, count: samples(seconds)) }

    /// Sum of sines with 5 ms raised-cosine ramps.
    func tone(_ frequencies: [Double], seconds: Double, amplitude: Double = 0.2, harmonics: Int = 1) -> [Double] {
        let n = samples(seconds)
        let ramp = max(1, samples(0.005))
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            var v = 0.0
            for f in frequencies {
                // Odd harmonics with 1/k amplitudes: a band-limited square wave when harmonics > 1.
                var k = 1
                while k <= 2 * harmonics - 1 && Double(k) * f < Double(rate) / 2 - 200 {
                    v += sin(2 * .pi * Double(k) * f * t) / Double(k)
                    k += 2
                }
            }
            let edge = min(1, Double(min(i, n - 1 - i)) / Double(ramp))
            out[i] = amplitude * v / Double(frequencies.count) * (0.5 - 0.5 * cos(.pi * edge))
        }
        return out
    }

    /// Gaussian white noise of RMS `level`.
    mutating func noise(_ seconds: Double, level: Double) -> [Double] {
        (0..<samples(seconds)).map { _ in level * gaussian() }
    }

    /// A voice-like buzz: a harmonic series on a wandering pitch with formant-shaped amplitudes.
    mutating func vowel(_ seconds: Double, pitch: Double, amplitude: Double = 0.2) -> [Double] {
        let n = samples(seconds)
        var phase = 0.0
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            let f0 = pitch * (1 + 0.03 * sin(2 * .pi * 5 * t))
            phase += 2 * .pi * f0 / Double(rate)
            var v = 0.0
            var k = 1
            while Double(k) * f0 < 3400 {
                let f = Double(k) * f0
                let formant = exp(-pow((f - 700) / 250, 2)) + 0.6 * exp(-pow((f - 1200) / 300, 2)) + 0.1
                v += formant * sin(Double(k) * phase)
                k += 1
            }
            out[i] = amplitude * v / 3
        }
        return out
    }

    mutating func gaussian() -> Double {
        let u1 = max(uniform(), 1e-12)
        let u2 = uniform()
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    mutating func uniform() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }

    static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        (0..<max(a.count, b.count)).map { (($0 < a.count) ? a[$0] : 0) + (($0 < b.count) ? b[$0] : 0) }
    }

    static func int16(_ signal: [Double]) -> [Int16] {
        signal.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
    }
}
