#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Filter design for ``Resampler``: a Kaiser-windowed sinc prototype, split into polyphase branches.
extension Resampler {
    /// Stopband attenuation the prototype is designed for, in dB (the tests require 50 dB).
    static let designAttenuationDb = 60.0

    /// The polyphase filter bank for interpolating by `up` and decimating by `down`.
    struct Design: Sendable {
        /// Taps per polyphase branch, a multiple of ``Resampler/tapGroup``.
        var tapsPerPhase: Int
        /// `up * tapsPerPhase` taps: branch `p` at `p * tapsPerPhase`, reversed so that tap `i` multiplies input
        /// sample `base - (tapsPerPhase - 1) + i`, and scaled by `up` so each branch has unit gain at DC.
        var taps: [Float]
        /// Per branch, the index in its reversed taps of its single unit tap when the branch is a pure delay,
        /// else −1.
        var pureDelayTap: [Int]
        /// Group delay of the prototype, in output samples.
        var delayOutputSamples: Double
    }

    /// One design per pair of rates (`[input, output]`, Hz), shared by every resampler of that pair: its taps are
    /// the bulk of a resampler's memory, and each call's detector has one.
    static let designs = SharedTables<[Int], Design>()

    /// Designs the prototype low-pass at the interpolated rate `up * inputRate`.
    ///
    /// The transition band is centred on the lower of the two Nyquist frequencies: ±15 % of it when interpolating
    /// (8 kHz → 16 kHz: passband to 3.4 kHz, images from 4.6 kHz), and from 85 % up to the output Nyquist when
    /// decimating (→ 16 kHz: passband to 6.8 kHz, stopband from 8 kHz, so nothing aliases into the output).
    static func design(inputRate: Int, outputRate: Int, up: Int, down: Int) -> Design {
        let lowNyquistHz = Double(min(inputRate, outputRate)) / 2
        let passEdgeHz = 0.85 * lowNyquistHz
        let stopEdgeHz = outputRate > inputRate ? 1.15 * lowNyquistHz : lowNyquistHz
        let prototypeRateHz = Double(up * inputRate)
        let attenuation = designAttenuationDb

        // Kaiser's estimates of the length and shape for this attenuation and transition width.
        let transition = 2 * Double.pi * (stopEdgeHz - passEdgeHz) / prototypeRateHz
        let estimatedLength = Int(((attenuation - 7.95) / (2.285 * transition)).rounded(.up)) + 1
        let beta = 0.1102 * (attenuation - 8.7)
        // Round each branch up to whole SIMD groups and spend the extra taps on a longer prototype.
        let perPhase = (estimatedLength + up - 1) / up
        let tapsPerPhase = (perPhase + tapGroup - 1) / tapGroup * tapGroup
        let length = tapsPerPhase * up

        // Interpolating, the cutoff is exactly the input Nyquist frequency: an L-th band filter. With an odd length
        // its taps vanish at every L-th offset from the centre, so the branch holding the centre is a pure delay
        // (the input samples pass unchanged; 8 kHz → 16 kHz computes only every other output).
        let isNyquistFilter = outputRate > inputRate && length % 2 == 0
        let prototypeLength = isNyquistFilter ? length - 1 : length
        let cutoff = (outputRate > inputRate ? lowNyquistHz : (passEdgeHz + stopEdgeHz) / 2) / prototypeRateHz
        let centre = Double(prototypeLength - 1) / 2
        let besselBeta = besselI0(beta)
        var prototype = [Double](repeating: 0, count: length)  // the last tap stays 0 when the length was cut
        for j in 0..<prototypeLength {
            let t = Double(j) - centre
            let x = 2 * Double.pi * cutoff * t
            let sinc = t == 0 ? 2 * cutoff : 2 * cutoff * sin(x) / x
            let r = 2 * Double(j) / Double(prototypeLength - 1) - 1
            prototype[j] = sinc * besselI0(beta * max(0, 1 - r * r).squareRoot()) / besselBeta
        }
        let scale = Double(up) / prototype.reduce(0, +)

        var taps = [Float](repeating: 0, count: length)
        var pureDelayTap = [Int](repeating: -1, count: up)
        for phase in 0..<up {
            var branch = (0..<tapsPerPhase).map { k in prototype[phase + k * up] * scale }
            let largest = branch.indices.max { abs(branch[$0]) < abs(branch[$1]) } ?? 0
            let isPureDelay =
                isNyquistFilter && abs(branch[largest]) > 0.5
                && branch.indices.allSatisfy { $0 == largest || abs(branch[$0]) < 1e-6 }
            if isPureDelay {
                branch = branch.indices.map { $0 == largest ? 1 : 0 }
                pureDelayTap[phase] = tapsPerPhase - 1 - largest
            }
            for k in 0..<tapsPerPhase {
                // y[n] = Σk h[phase + k·up] · x[base − k]; stored reversed so the window reads forwards.
                taps[phase * tapsPerPhase + (tapsPerPhase - 1 - k)] = Float(branch[k])
            }
        }
        return Design(
            tapsPerPhase: tapsPerPhase,
            taps: taps,
            pureDelayTap: pureDelayTap,
            delayOutputSamples: Double(prototypeLength - 1) / Double(2 * down)
        )
    }

    /// The modified Bessel function of the first kind, order 0, by its power series (converges for the β used).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        let halfX = x / 2
        for k in 1..<64 {
            term *= (halfX / Double(k)) * (halfX / Double(k))
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
