import AMDCore
import Testing

struct MelFilterbankTests {
    /// Tolerance: every weight within 1e-6 × the largest weight of `librosa.filters.mel` (both float32 roundings of
    /// float64 arithmetic).
    @Test(arguments: ["16k-speech", "8k-speech", "16k-htk-speech"])
    func matchesLibrosaFiltersMel(caseName: String) throws {
        let fixture = try MFCCFixture(named: caseName)
        let basis = try #require(fixture.melBasis)
        let filterbank = try MelFilterbank(configuration: fixture.configuration)
        #expect(basis.count == filterbank.melCount)
        #expect(basis[0].count == filterbank.binCount)
        var worst: Float = 0
        var largest: Float = 0
        for m in basis.indices {
            for k in basis[m].indices {
                worst = max(worst, abs(filterbank.weight(mel: m, bin: k) - basis[m][k]))
                largest = max(largest, basis[m][k])
            }
        }
        print("MelFilterbank vs librosa.filters.mel, \(caseName): max |Δweight| \(worst) (largest weight \(largest))")
        #expect(worst <= 1e-6 * largest)
    }

    @Test func applyIsTheMatrixProduct() throws {
        let filterbank = try MelFilterbank(
            sampleRate: 16000, nFFT: 512, melCount: 40, minFrequency: 0,
            maxFrequency: 8000)
        let power = (0..<filterbank.binCount).map { Float(($0 * 37) % 11) + 0.5 }
        var melPower = [Float](repeating: .nan, count: filterbank.melCount)
        power.withUnsafeBufferPointer { p in melPower.withUnsafeMutableBufferPointer { filterbank.apply(p, into: $0) } }
        // Bit for bit: apply sums four bands at once, but each band's products in bin order from 0, like this sum
        // (whose zero weights add exactly +0).
        for m in 0..<filterbank.melCount {
            var expected: Float = 0
            for k in power.indices { expected += filterbank.weight(mel: m, bin: k) * power[k] }
            #expect(melPower[m] == expected, "band \(m)")
        }
    }

    /// Reference points of the two mel scales: Slaney's is linear to 15 mel at 1 kHz; HTK's gives 1000 mel near 1 kHz.
    @Test func melScales() {
        #expect(abs(MelFilterbank.melFromHz(1000, htk: false) - 15) < 1e-12)
        #expect(abs(MelFilterbank.melFromHz(200, htk: false) - 3) < 1e-12)
        #expect(abs(MelFilterbank.melFromHz(700, htk: true) - 2595 * 0.30102999566398120) < 1e-9)
        for hz in [0.0, 55, 440, 999.9, 1000, 3400, 8000, 22050] {
            for htk in [false, true] {
                let back = MelFilterbank.hzFromMel(MelFilterbank.melFromHz(hz, htk: htk), htk: htk)
                #expect(abs(back - hz) <= 1e-9 * max(hz, 1))
            }
        }
    }

    @Test(arguments: [
        ("sample_rate", 0, 512, 40, 0.0, 100.0),
        ("n_fft", 16000, 1, 40, 0.0, 8000.0),
        ("n_mels", 16000, 512, 0, 0.0, 8000.0),
        ("fmax", 16000, 512, 40, 0.0, 8000.5),
        ("fmin", 16000, 512, 40, 4000.0, 4000.0),
    ])
    func rejectsBadParameters(field: String, sampleRate: Int, nFFT: Int, melCount: Int, fMin: Double, fMax: Double) {
        #expect {
            try MelFilterbank(
                sampleRate: sampleRate, nFFT: nFFT, melCount: melCount, minFrequency: fMin,
                maxFrequency: fMax)
        } throws: { error in
            guard case FeatureError.invalidConfiguration(let reported, _) = error else { return false }
            return reported == field
        }
    }
}
