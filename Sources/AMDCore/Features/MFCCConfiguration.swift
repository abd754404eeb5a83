/// How ``MFCC`` frames a signal and computes its coefficients: the `features` object of a model file.
///
/// The fields mirror librosa's `mfcc`/`melspectrogram` arguments, and the JSON keys are librosa's names
/// (`sample_rate`, `n_fft`, `win_length`, `hop_length`, `window`, `n_mels`, `fmin`, `fmax`, `n_mfcc`, `mel_norm`,
/// `htk`). Decoding fills librosa's defaults for missing optional keys (`win_length` = `n_fft`, `window` = hann,
/// `fmin` = 0, `fmax` = `sample_rate / 2` (also for `null`), `mel_norm` = slaney, `htk` = false) and ignores keys it
/// does not know (a model's `log`, `dct`, `context_frames`, …). Decoding does not range-check: call ``validate()``.
public struct MFCCConfiguration: Sendable, Hashable, Codable {
    /// The analysis window applied to each frame before the FFT.
    public enum Window: String, Sendable, Hashable, Codable, CaseIterable {
        /// Periodic Hann, `0.5 − 0.5·cos(2πn / win_length)`: `scipy.signal.get_window('hann', fftbins=True)`.
        case hann
    }

    /// Sample rate of the analysed signal, in Hz.
    public var sampleRate: Int
    /// FFT length, in samples: a power of two in ``RealFFT/supportedSizes``.
    public var nFFT: Int
    /// Window length, in samples (1…`nFFT`): the samples each frame takes; zero-padded to `nFFT`.
    public var winLength: Int
    /// Hop between frame starts, in samples.
    public var hopLength: Int
    /// The analysis window.
    public var window: Window
    /// Number of mel bands.
    public var nMels: Int
    /// Lower edge of the lowest mel band, in Hz.
    public var fMin: Double
    /// Upper edge of the highest mel band, in Hz (≤ `sampleRate / 2`).
    public var fMax: Double
    /// Number of cepstral coefficients kept (1…`nMels`), from c0 up.
    public var nMFCC: Int
    /// How the mel filters are scaled.
    public var melNorm: MelFilterbank.Normalization
    /// The HTK mel scale instead of Slaney's.
    public var htk: Bool

    /// Creates a configuration; the defaults are the detector's (16 kHz, 512-point FFT and window, 10 ms hop,
    /// 40 Slaney mel bands from 0 Hz to Nyquist, 20 coefficients).
    /// - Parameters:
    ///   - winLength: window length in samples; `nil` means `nFFT`.
    ///   - fMax: upper band edge in Hz; `nil` means `sampleRate / 2`.
    public init(
        sampleRate: Int = 16000,
        nFFT: Int = 512,
        winLength: Int? = nil,
        hopLength: Int = 160,
        window: Window = .hann,
        nMels: Int = 40,
        fMin: Double = 0,
        fMax: Double? = nil,
        nMFCC: Int = 20,
        melNorm: MelFilterbank.Normalization = .slaney,
        htk: Bool = false
    ) {
        self.sampleRate = sampleRate
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength
        self.window = window
        self.nMels = nMels
        self.fMin = fMin
        self.fMax = fMax ?? Double(sampleRate) / 2
        self.nMFCC = nMFCC
        self.melNorm = melNorm
        self.htk = htk
    }

    /// Checks every field's range.
    /// - Throws: ``FeatureError/invalidConfiguration(field:reason:)`` naming the first bad key and its value.
    public func validate() throws(FeatureError) {
        guard sampleRate > 0 else {
            throw .invalidConfiguration(field: "sample_rate", reason: "must be > 0 Hz, is \(sampleRate)")
        }
        guard RealFFT.supportedSizes.contains(nFFT), nFFT & (nFFT - 1) == 0 else {
            throw .invalidConfiguration(
                field: "n_fft",
                reason: "must be a power of two in \(RealFFT.supportedSizes.lowerBound)..."
                    + "\(RealFFT.supportedSizes.upperBound) samples, is \(nFFT)")
        }
        guard winLength >= 1, winLength <= nFFT else {
            throw .invalidConfiguration(field: "win_length", reason: "must be in 1...n_fft (\(nFFT)), is \(winLength)")
        }
        guard hopLength >= 1 else {
            throw .invalidConfiguration(field: "hop_length", reason: "must be ≥ 1 sample, is \(hopLength)")
        }
        guard nMels >= 1 else { throw .invalidConfiguration(field: "n_mels", reason: "must be ≥ 1, is \(nMels)") }
        let nyquist = Double(sampleRate) / 2
        guard fMax.isFinite, fMax > 0, fMax <= nyquist else {
            throw .invalidConfiguration(
                field: "fmax", reason: "must be in (0, sample_rate / 2 = \(nyquist)] Hz, is \(fMax)")
        }
        guard fMin.isFinite, fMin >= 0, fMin < fMax else {
            throw .invalidConfiguration(field: "fmin", reason: "must be ≥ 0 Hz and < fmax (\(fMax) Hz), is \(fMin)")
        }
        guard nMFCC >= 1, nMFCC <= nMels else {
            throw .invalidConfiguration(field: "n_mfcc", reason: "must be in 1...n_mels (\(nMels)), is \(nMFCC)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case sampleRate = "sample_rate"
        case nFFT = "n_fft"
        case winLength = "win_length"
        case hopLength = "hop_length"
        case window
        case nMels = "n_mels"
        case fMin = "fmin"
        case fMax = "fmax"
        case nMFCC = "n_mfcc"
        case melNorm = "mel_norm"
        case htk
    }

    /// Decodes the snake_case keys, filling librosa's defaults for the optional ones (see the type's summary).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sampleRate = try container.decode(Int.self, forKey: .sampleRate)
        nFFT = try container.decode(Int.self, forKey: .nFFT)
        winLength = try container.decodeIfPresent(Int.self, forKey: .winLength) ?? nFFT
        hopLength = try container.decode(Int.self, forKey: .hopLength)
        window = try container.decodeIfPresent(Window.self, forKey: .window) ?? .hann
        nMels = try container.decode(Int.self, forKey: .nMels)
        fMin = try container.decodeIfPresent(Double.self, forKey: .fMin) ?? 0
        fMax = try container.decodeIfPresent(Double.self, forKey: .fMax) ?? Double(sampleRate) / 2
        nMFCC = try container.decode(Int.self, forKey: .nMFCC)
        melNorm = try container.decodeIfPresent(MelFilterbank.Normalization.self, forKey: .melNorm) ?? .slaney
        htk = try container.decodeIfPresent(Bool.self, forKey: .htk) ?? false
    }
}
