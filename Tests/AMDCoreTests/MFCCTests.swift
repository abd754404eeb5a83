import Foundation
import Testing

@testable import AMDCore

/// One case of `Fixtures/mfcc/` written by `tools/fixtures/gen_mfcc.py`: a JSON header and a binary blob of
/// little-endian arrays (int16 samples; float32 mel basis, mel power spectrogram and MFCC matrix from librosa).
struct MFCCFixture {
    private struct Header: Decodable {
        struct ArrayInfo: Decodable {
            var dtype: String
            var offset: Int
            var shape: [Int]
        }
        var name: String
        var frameCount: Int
        var windowOffset: Int
        var binary: String
        var arrays: [String: ArrayInfo]
    }

    /// Every case the generator writes: three configurations × chirp, noise, speech.
    static let names = ["16k", "8k", "16k-htk"].flatMap { config in
        ["chirp", "noise", "speech"].map { "\(config)-\($0)" }
    }

    var name: String
    var configuration: MFCCConfiguration
    /// Frames librosa produced (`center=False`).
    var frameCount: Int
    /// Where the window starts inside librosa's `n_fft`-sample frame: `(n_fft − win_length) / 2` samples.
    var windowOffset: Int
    var samples: [Int16]
    /// `[n_mels][n_fft/2+1]` when the case stores it (speech cases), else nil.
    var melBasis: [[Float]]?
    /// `[frame][n_mels]`.
    var melPower: [[Float]]
    /// `[frame][n_mfcc]`.
    var mfcc: [[Float]]

    init(named name: String) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // MFCCConfiguration has its own snake_case keys: decode it separately with a plain decoder.
        let headerData = try fixtureData("mfcc/\(name).json")
        let header = try decoder.decode(Header.self, from: headerData)
        struct Wrapper: Decodable { var configuration: MFCCConfiguration }
        configuration = try JSONDecoder().decode(Wrapper.self, from: headerData).configuration
        self.name = header.name
        frameCount = header.frameCount
        windowOffset = header.windowOffset
        let blob = try fixtureData("mfcc/\(header.binary)")

        func floats(_ key: String) throws -> [[Float]]? {
            guard let info = header.arrays[key] else { return nil }
            let rows = info.shape[0]
            let columns = info.shape[1]
            var result = [[Float]](repeating: [Float](repeating: 0, count: columns), count: rows)
            for row in 0..<rows {
                for column in 0..<columns {
                    let at = info.offset + 4 * (row * columns + column)
                    let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(blob[blob.startIndex + at + $1]) << (8 * $1) }
                    result[row][column] = Float(bitPattern: bits)
                }
            }
            return result
        }
        let sampleInfo = try #require(header.arrays["samples"])
        samples = (0..<sampleInfo.shape[0]).map { i in
            let at = sampleInfo.offset + 2 * i
            let low = UInt16(blob[blob.startIndex + at])
            let high = UInt16(blob[blob.startIndex + at + 1])
            return Int16(bitPattern: low | high << 8)
        }
        melBasis = try floats("mel_basis")
        melPower = try #require(try floats("mel_power"))
        mfcc = try #require(try floats("mfcc"))
    }

    /// The `winLength` samples of frame `index`, scaled like librosa (`Int16 / 32768`).
    func frame(_ index: Int) -> [Float] {
        let start = index * configuration.hopLength + windowOffset
        return samples[start..<start + configuration.winLength].map { Float($0) / 32768 }
    }
}

struct MFCCTests {
    /// Tolerances, against librosa's float64 pipeline (our pipeline is float32):
    /// - mel bands within 80 dB of the frame's strongest power-spectrum bin: |Δ| ≤ 5e-3 dB (≤ 1e-4 dB for speech
    ///   and noise; the chirps' narrow 1024-point HTK bands reach 1.7e-3 dB);
    /// - quieter bands: |Δ| ≤ 0.25 dB. They sit at the float32 rounding floor of the FFT, ≈110 dB below a pure tone's
    ///   peak (numpy's own float32 rfft is off by 0.017 dB there; the int16 quantisation floor of the input is
    ///   higher still, so these bands carry no information);
    /// - coefficients: |Δ| ≤ 0.05 (they span about ±500, so ≤ 1e-4 of the range). Speech and noise give ≤ 1e-4.
    @Test(arguments: MFCCFixture.names)
    func matchesLibrosa(caseName: String) throws {
        let fixture = try MFCCFixture(named: caseName)
        var mfcc = try MFCC(configuration: fixture.configuration)
        let decibels = { (power: Float) in 10 * log10(max(MFCC.powerFloor, power)) }
        var worstCoefficient: Float = 0
        var worstLoud: Float = 0
        var worstQuiet: Float = 0
        for t in 0..<fixture.frameCount {
            fixture.frame(t).withUnsafeBufferPointer { mfcc.process(frame: $0) }
            for (got, want) in zip(mfcc.coefficients, fixture.mfcc[t]) {
                worstCoefficient = max(worstCoefficient, abs(got - want))
            }
            // The float32 error floor follows the strongest FFT bin, which may lie outside every mel band.
            let loudest = decibels(mfcc.powerSpectrum.max() ?? 0)
            for (got, want) in zip(mfcc.melPower, fixture.melPower[t]) {
                let error = abs(decibels(got) - decibels(want))
                if decibels(want) >= loudest - 80 {
                    worstLoud = max(worstLoud, error)
                } else {
                    worstQuiet = max(worstQuiet, error)
                }
            }
        }
        print(
            "MFCC vs librosa, \(caseName), \(fixture.frameCount) frames: max |Δcoefficient| \(worstCoefficient), "
                + "max |Δmel| \(worstLoud) dB (bands within 80 dB of the frame's peak bin), \(worstQuiet) dB (quieter)")
        #expect(fixture.frameCount > 10)
        #expect(worstCoefficient <= 0.05)
        #expect(worstLoud <= 5e-3)
        #expect(worstQuiet <= 0.25)
    }

    @Test func buffersHaveConfiguredSizes() throws {
        let mfcc = try MFCC(
            configuration: MFCCConfiguration(
                sampleRate: 8000, nFFT: 256, winLength: 200, nMels: 26,
                fMin: 300, fMax: 3400, nMFCC: 13))
        #expect(mfcc.powerSpectrum.count == 129)
        #expect(mfcc.melPower.count == 26)
        #expect(mfcc.coefficients.count == 13)
    }

    /// The power spectrum the detector reads: a 1 kHz tone at 16 kHz peaks in bin 1000 / (16000 / 512) = 32.
    @Test func powerSpectrumPeaksAtATone() throws {
        var mfcc = try MFCC(configuration: MFCCConfiguration())
        let tone = (0..<512).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
        tone.withUnsafeBufferPointer { mfcc.process(frame: $0) }
        let peak = mfcc.powerSpectrum.indices.max { mfcc.powerSpectrum[$0] < mfcc.powerSpectrum[$1] }
        #expect(peak == 32)
    }

    /// Digital silence gives the floor: every mel band at 10·log10(1e-10) = −100 dB, so c0 = −100·√n_mels.
    @Test func silenceHitsThePowerFloor() throws {
        var mfcc = try MFCC(configuration: MFCCConfiguration())
        let silence = [Float](repeating: 0, count: 512)
        silence.withUnsafeBufferPointer { mfcc.process(frame: $0) }
        #expect(abs(mfcc.coefficients[0] - Float(-100 * 40.0.squareRoot())) < 1e-3)
        #expect(mfcc.coefficients.dropFirst().allSatisfy { abs($0) < 1e-3 })
    }

    /// The four-lane decibels stay within 2 ulp of libm's `10·log10f` from the power floor to far above full scale,
    /// and give the floor's −100 dB (to 2 ulp) for zero and anything under it.
    @Test func decibelsFourAtATimeFollowLibm() {
        var worstUlps: Float = 0
        var power: Float = MFCC.powerFloor
        while power < 1e7 {
            let lanes = SIMD4(power, power * 1.37, power * 2.9, power * 5.3)
            let fast = MFCC.decibels(lanes)
            for lane in 0..<4 {
                let expected = 10 * log10(lanes[lane])
                let ulps = abs(fast[lane] - expected) / max(expected.magnitude.ulp, Float(1e-6))
                worstUlps = max(worstUlps, ulps)
                #expect(ulps <= 2, "\(lanes[lane]): \(fast[lane]) dB, libm \(expected) dB")
            }
            power *= 1.01
        }
        let floor = MFCC.decibels(SIMD4(0, 1e-12, MFCC.powerFloor, -1))
        let floorDb = 10 * log10(MFCC.powerFloor)
        for lane in 0..<4 { #expect(abs(floor[lane] - floorDb) <= 2 * floorDb.magnitude.ulp, "\(floor[lane]) dB") }
        print("MFCC.decibels: worst \(worstUlps) ulp from libm")
    }

    @Test func rejectsInvalidConfiguration() {
        #expect(throws: FeatureError.self) { try MFCC(configuration: MFCCConfiguration(nFFT: 500)) }
    }
}

struct MFCCConfigurationTests {
    /// The `features` object of a model file (docs/ARCHITECTURE.md), with keys MFCCConfiguration does not own.
    static let modelFeatures = """
        {"sample_rate": 16000, "n_fft": 512, "win_length": 512, "hop_length": 160, "window": "hann",
         "n_mels": 40, "fmin": 0, "fmax": 8000, "n_mfcc": 20, "mel_norm": "slaney", "htk": false,
         "log": "power_to_db", "dct": "ortho", "context_frames": 10, "statistics": ["mean", "std"]}
        """

    @Test func decodesModelFeatures() throws {
        let configuration = try JSONDecoder().decode(MFCCConfiguration.self, from: Data(Self.modelFeatures.utf8))
        #expect(configuration == MFCCConfiguration())
        try configuration.validate()
    }

    @Test func encodesSnakeCaseKeysAndRoundTrips() throws {
        let configuration = MFCCConfiguration(
            sampleRate: 8000, nFFT: 256, winLength: 200, hopLength: 80, nMels: 26,
            fMin: 300, fMax: 3400, nMFCC: 13, melNorm: .none, htk: true)
        let data = try JSONEncoder().encode(configuration)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "sample_rate", "n_fft", "win_length", "hop_length", "window", "n_mels", "fmin",
                "fmax", "n_mfcc", "mel_norm", "htk",
            ])
        #expect(object["mel_norm"] as? String == "none")
        #expect(try JSONDecoder().decode(MFCCConfiguration.self, from: data) == configuration)
    }

    @Test func fillsLibrosaDefaultsForMissingKeys() throws {
        let json = #"{"sample_rate": 8000, "n_fft": 256, "hop_length": 80, "n_mels": 26, "n_mfcc": 13, "fmax": null}"#
        let configuration = try JSONDecoder().decode(MFCCConfiguration.self, from: Data(json.utf8))
        #expect(configuration.winLength == 256)
        #expect(configuration.fMin == 0)
        #expect(configuration.fMax == 4000)
        #expect(configuration.melNorm == .slaney)
        #expect(configuration.window == .hann)
        #expect(configuration.htk == false)
    }

    @Test func rejectsUnknownWindow() {
        let json =
            #"{"sample_rate": 8000, "n_fft": 256, "hop_length": 80, "n_mels": 26, "n_mfcc": 13, "window": "kaiser"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MFCCConfiguration.self, from: Data(json.utf8)) }
    }

    /// Each bad value is reported under its own JSON key.
    @Test(arguments: [
        ("sample_rate", MFCCConfiguration(sampleRate: 0, fMax: 4000)),
        ("n_fft", MFCCConfiguration(nFFT: 500)),
        ("n_fft", MFCCConfiguration(nFFT: 16384)),
        ("win_length", MFCCConfiguration(winLength: 600)),
        ("win_length", MFCCConfiguration(winLength: 0)),
        ("hop_length", MFCCConfiguration(hopLength: 0)),
        ("n_mels", MFCCConfiguration(nMels: 0)),
        ("fmax", MFCCConfiguration(fMax: 8001)),
        ("fmax", MFCCConfiguration(fMax: .nan)),
        ("fmin", MFCCConfiguration(fMin: 8000)),
        ("fmin", MFCCConfiguration(fMin: -1)),
        ("n_mfcc", MFCCConfiguration(nMels: 20, nMFCC: 21)),
        ("n_mfcc", MFCCConfiguration(nMFCC: 0)),
    ])
    func validateNamesTheField(field: String, configuration: MFCCConfiguration) {
        do {
            try configuration.validate()
            Issue.record("\(field): expected a validation error")
        } catch {
            guard case .invalidConfiguration(let reported, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reported == field)
            #expect(error.description.hasPrefix("features.\(field) "))
        }
    }
}
