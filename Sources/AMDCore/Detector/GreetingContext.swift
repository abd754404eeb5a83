/// What a call has carried outside tones so far: how much speech and music, how loud the speech, and who spoke just
/// before a tone. The detector reads it to tell a voicemail beep (after a greeting) from a network's tone (before
/// anyone spoke) and a note of background music (far under the voice).
///
/// A value of a few counters and one 64-bit history: fixed size, and each frame costs a shift and an add.
struct GreetingContext: Sendable {
    /// Voiced, non-tonal frames so far (the greeting, or a person talking), 10 ms each.
    private(set) var voicedFrames = 0
    /// Context windows outside tones the MFCC classifier called speech.
    private(set) var speechWindows = 0
    /// Context windows outside tones the MFCC classifier called music.
    private(set) var musicWindows = 0
    /// Envelope of the band level of voiced frames outside tones, in dB: quick to rise, slow to fall, so it sits near
    /// the loud frames of the speech (or, with no speech yet, the loudest background).
    private(set) var speechLevelDb = Self.initialSpeechLevelDb

    /// One bit per frame, newest lowest: set when the frame was voiced and not tonal (speech, music, noise bursts).
    private var voicedHistory: UInt64 = 0
    private let hasSpeechClass: Bool
    private let contextFrames: Int
    /// Speech windows that make a greeting (`speech_context_ms`).
    private let greetingSpeechWindows: Int
    /// Voiced frames that make a greeting (`voiced_context_ms`).
    private let greetingVoicedFrames: Int64
    /// Speech windows after which the call is past its network tones (`greeting_confirm_ms`).
    let confirmingSpeechWindows: Int

    /// The speech level before any voiced frame, in dB relative to a full-scale sine: quieter than any greeting.
    static let initialSpeechLevelDb = -60.0
    /// Share of the distance to a louder frame's level the envelope moves by, per frame: a time constant of 5
    /// frames (50 ms).
    static let speechLevelRise = 0.2
    /// Share of the distance to a quieter frame's level the envelope moves by, per frame: a time constant of 200
    /// frames (2 s).
    static let speechLevelFall = 0.005
    /// Frames just before a track's first tonal frame left out of ``voicedBeforeOnset``: the onset frame itself and
    /// the 4 before it, whose windows may hold the tone's start.
    static let onsetStraddleFrames = 5
    /// Frames before the onset (past the straddling ones) in which ``voicedBeforeOnset`` counts voiced frames:
    /// 400 ms at the 10 ms hop.
    static let voicedLookbackFrames = 40

    /// Creates the context of a call that has carried nothing yet.
    /// - Parameters:
    ///   - hasSpeechClass: whether the MFCC classifier has a `speech` class (else only voiced sound makes a greeting).
    ///   - contextFrames: frames in one context window.
    ///   - configuration: the detector's settings (greeting thresholds, in ms).
    ///   - clock: the detector's frame clock.
    init(hasSpeechClass: Bool, contextFrames: Int, configuration: BeepDetector.Configuration, clock: FrameClock) {
        self.hasSpeechClass = hasSpeechClass
        self.contextFrames = contextFrames
        func windows(ms: Int) -> Int {
            let size = Int64(contextFrames)
            return Int((clock.frames(ms: ms) + size - 1) / size)
        }
        greetingSpeechWindows = windows(ms: configuration.speechContextMs)
        greetingVoicedFrames = clock.frames(ms: configuration.voicedContextMs)
        confirmingSpeechWindows = windows(ms: configuration.greetingConfirmMs)
    }

    /// Takes in one frame: whether the VAD called it voiced, whether it holds a tone, and its band level in dB.
    /// Voiced frames outside tones count as speech and move the speech level.
    mutating func observe(voiced: Bool, tonal: Bool, bandEnergyDb: Double) {
        voicedHistory = (voicedHistory << 1) | (voiced && !tonal ? 1 : 0)
        guard voiced && !tonal else { return }
        voicedFrames += 1
        let step = bandEnergyDb > speechLevelDb ? Self.speechLevelRise : Self.speechLevelFall
        speechLevelDb += (bandEnergyDb - speechLevelDb) * step
    }

    /// Counts one context window outside tones that the MFCC classifier called `kind`.
    mutating func count(_ kind: WindowClassifier.Kind) {
        switch kind {
        case .speech: speechWindows += 1
        case .music: musicWindows += 1
        case .other: break
        }
    }

    /// Voiced, non-tonal frames in the ``voicedLookbackFrames`` before a tone whose first tonal frame is the latest
    /// frame observed, leaving out the ``onsetStraddleFrames`` that may hold its start.
    var voicedBeforeOnset: Int {
        let lookbackMask: UInt64 = (1 << UInt64(Self.voicedLookbackFrames)) - 1
        return ((voicedHistory >> UInt64(Self.onsetStraddleFrames)) & lookbackMask).nonzeroBitCount
    }

    /// Whether someone has spoken on the line: `speech_context_ms` of windows the classifier calls speech, or, for
    /// voices unlike its training (wideband, other languages, speech in noise), `voiced_context_ms` of voiced sound.
    /// Voiced sound counts even when the classifier heard more music than speech (ringback before the answer, a
    /// music bed, a greeting it takes for noise): tones are then judged by the quiet after them (``musicOnLine``)
    /// rather than dismissed as the network's.
    var greetingHeard: Bool {
        if hasSpeechClass && speechWindows >= greetingSpeechWindows { return true }
        return Int64(voicedFrames) >= greetingVoicedFrames
    }

    /// Whether the classifier has recognised `greeting_confirm_ms` of speech on the line: enough that the line is
    /// past its network tones.
    var speechRecognised: Bool { hasSpeechClass && speechWindows >= confirmingSpeechWindows }

    /// Whether the line has carried more music than speech: every tone must then end in quiet to count.
    var musicOnLine: Bool { musicWindows > speechWindows }

    /// The voiced sound so far in context windows (fractional).
    var voicedWindows: Double { Double(voicedFrames) / Double(contextFrames) }
}
