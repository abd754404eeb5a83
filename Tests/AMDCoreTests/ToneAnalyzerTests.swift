import AMDCore
import Foundation
import Testing

/// The per-frame tone decision on single synthesized frames: a beep's peak is tonal; a voice's harmonic, whose
/// fundamental shows under the band, is not.
struct ToneAnalyzerTests {
    static let size = 512

    /// The analysis of one 512-point Hann-windowed frame of the sum of sines `(frequency Hz, amplitude)`, plus white
    /// noise of RMS `noise`, at 16 kHz.
    static func analyze(_ partials: [(Double, Double)], noise: Double = 0.0005, seed: UInt64 = 1) throws -> ToneFrame {
        var synth = Synth(seed: seed)
        let hiss = synth.noise(Double(size) / 16_000, level: noise)
        let frame: [Float] = (0..<size).map { n in
            let t = Double(n) / 16_000
            let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(size))
            let sum = partials.reduce(0.0) { $0 + $1.1 * sin(2 * .pi * $1.0 * t) }
            return Float(window * (sum + hiss[n]))
        }
        var fft = try RealFFT(size: size)
        var power = [Float](repeating: 0, count: fft.binCount)
        frame.withUnsafeBufferPointer { input in
            power.withUnsafeMutableBufferPointer { fft.powerSpectrum(input, into: $0) }
        }
        var analyzer = ToneAnalyzer(sampleRate: 16_000, fftSize: size)
        return power.withUnsafeBufferPointer { analyzer.analyze($0) }
    }

    @Test(arguments: [360.0, 440.0, 1000.0])
    func aPureToneIsTonal(frequency: Double) throws {
        let frame = try Self.analyze([(frequency, 0.2)])
        #expect(frame.isTonal)
        #expect(abs(frame.frequencyHz - frequency) < 3)
        #expect(frame.impliedFundamentalHz == frame.frequencyHz)
    }

    /// A hum at 180 Hz that the line's high-pass has turned into a 360 Hz "tone": its fundamental, 10 dB down and
    /// under the band, gives it away.
    @Test func aHarmonicOverItsOwnFundamentalUnderTheBandIsAVoice() throws {
        let frame = try Self.analyze([(180, 0.063), (360, 0.2), (540, 0.006)])
        #expect(!frame.isTonal)
        #expect(abs(frame.impliedFundamentalHz - 180) < 5)
    }

    /// Rumble under the band that is not the tone's subharmonic, or is too faint to be a voice, changes nothing.
    @Test(arguments: [(150.0, 0.063), (180.0, 0.0015)])
    func unrelatedOrFaintSoundUnderTheBandLeavesABeepTonal(rumble: Double, amplitude: Double) throws {
        let frame = try Self.analyze([(rumble, amplitude), (360, 0.2)])
        #expect(frame.isTonal)
        #expect(abs(frame.frequencyHz - 360) < 3)
    }
}
