/// What the detector measured of one tone track when it judged it: the inputs of the ``TrackClassifier``.
///
/// Plain stored values, so a judgement costs no allocation; `amd-edge eval --tracks` writes them out with each
/// track's label to fit the classifier, each under its ``TrackClassifier/Feature`` name.
public struct TrackMeasurements: Sendable, Hashable {
    /// Natural log of the mean frequency in Hz.
    public var logFrequency = 0.0
    /// Mean share of the band's energy in the tone and its harmonics (0...1).
    public var purity = 0.0
    /// Spread of the frequency around its trend, in thousandths of the frequency.
    public var spreadPermille = 0.0
    /// Frequency glide, as a fraction of the frequency per 100 ms (absolute).
    public var glide = 0.0
    /// Frame-to-frame level wobble, in dB.
    public var levelWobbleDb = 0.0
    /// Voiced, non-tonal frames in the 400 ms before the onset (0...40).
    public var voicedBefore = 0.0
    /// Natural log of 1 + the frames since the previous tone ended (at most 300).
    public var logGapBefore = 0.0
    /// The MFCC classifier's log-odds of a tone over the track's frames so far (clamped to ±100).
    public var mfccLogOdds = 0.0
    /// Natural log of 1 + the context windows the MFCC classifier called speech so far in the call.
    public var logSpeechWindows = 0.0
    /// Natural log of 1 + the voiced, non-tonal sound so far in the call, in 80 ms windows.
    public var logVoicedWindows = 0.0
    /// The tone's band level over the level of the speech heard so far, in dB (clamped to ±40).
    public var levelOverSpeechDb = 0.0
    /// Mean absolute frame-to-frame frequency step, net of the glide, in thousandths of the frequency.
    public var jitterPermille = 0.0

    /// All zero.
    public init() {}

    /// The value of `feature`; setting it sets the field it names.
    public subscript(feature: TrackClassifier.Feature) -> Double {
        get {
            switch feature {
            case .logFrequency: logFrequency
            case .purity: purity
            case .spreadPermille: spreadPermille
            case .glide: glide
            case .levelWobbleDb: levelWobbleDb
            case .voicedBefore: voicedBefore
            case .logGapBefore: logGapBefore
            case .mfccLogOdds: mfccLogOdds
            case .logSpeechWindows: logSpeechWindows
            case .logVoicedWindows: logVoicedWindows
            case .levelOverSpeechDb: levelOverSpeechDb
            case .jitterPermille: jitterPermille
            }
        }
        set {
            switch feature {
            case .logFrequency: logFrequency = newValue
            case .purity: purity = newValue
            case .spreadPermille: spreadPermille = newValue
            case .glide: glide = newValue
            case .levelWobbleDb: levelWobbleDb = newValue
            case .voicedBefore: voicedBefore = newValue
            case .logGapBefore: logGapBefore = newValue
            case .mfccLogOdds: mfccLogOdds = newValue
            case .logSpeechWindows: logSpeechWindows = newValue
            case .logVoicedWindows: logVoicedWindows = newValue
            case .levelOverSpeechDb: levelOverSpeechDb = newValue
            case .jitterPermille: jitterPermille = newValue
            }
        }
    }
}
