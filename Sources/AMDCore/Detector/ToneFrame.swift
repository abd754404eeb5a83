/// What the tone analysis found in one frame's spectrum.
public struct ToneFrame: Sendable, Hashable {
    /// The frame holds a tone: one or two stable narrow peaks (with their harmonics) carrying most of the band's
    /// energy, well above the residual floor, and no sign of a lower fundamental (a voice's harmonic series).
    public var isTonal: Bool = false
    /// Frequency of the strongest peak, in Hz (parabolic interpolation between FFT bins).
    public var frequencyHz: Double = 0
    /// Frequency of a second, independent tone sounding at the same time, in Hz; 0 when there is none.
    public var secondFrequencyHz: Double = 0
    /// Share of the 250–3500 Hz band energy in the tonal components and their harmonics (0...1).
    public var purity: Double = 0
    /// Strongest peak bin over the mean power of the bins outside the tonal components, in dB.
    public var prominenceDb: Double = 0
    /// Energy of the 250–3500 Hz band, in dB relative to a full-scale sine.
    public var bandEnergyDb: Double = -120
    /// Lowest fundamental the peaks imply, in Hz: below ~320 Hz the "tone" is a harmonic of a voice.
    public var impliedFundamentalHz: Double = 0

    /// A frame with nothing tonal in it.
    public init() {}
}
