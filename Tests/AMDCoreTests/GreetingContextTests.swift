import Testing

@testable import AMDCore

/// ``GreetingContext``: what counts as a greeting, the speech level envelope, and the voiced frames before a tone.
struct GreetingContextTests {
    static let clock = FrameClock(hopSamples: 160, sampleRateHz: 16_000)

    /// A fresh context with the default settings (300 ms of speech windows or 500 ms of voiced sound make a
    /// greeting; 2 s of speech windows confirm it) and 8-frame windows.
    static func context(hasSpeechClass: Bool = true) -> GreetingContext {
        GreetingContext(
            hasSpeechClass: hasSpeechClass, contextFrames: 8, configuration: BeepDetector.Configuration(),
            clock: clock)
    }

    @Test func halfASecondOfVoicedSoundIsAGreeting() {
        var context = Self.context()
        for _ in 0..<49 { context.observe(voiced: true, tonal: false, bandEnergyDb: -25) }
        #expect(!context.greetingHeard)
        context.observe(voiced: true, tonal: false, bandEnergyDb: -25)
        #expect(context.greetingHeard)
        #expect(context.voicedFrames == 50)
        #expect(context.voicedWindows == 50.0 / 8)
    }

    @Test func tonalAndUnvoicedFramesAreNotSpeech() {
        var context = Self.context()
        for _ in 0..<100 {
            context.observe(voiced: true, tonal: true, bandEnergyDb: -10)
            context.observe(voiced: false, tonal: false, bandEnergyDb: -30)
        }
        #expect(context.voicedFrames == 0)
        #expect(!context.greetingHeard)
        #expect(context.speechLevelDb == GreetingContext.initialSpeechLevelDb)
    }

    @Test func speechWindowsMakeAGreetingThenConfirmIt() {
        var context = Self.context()
        // 300 ms is 30 frames, 4 windows of 8; 2 s is 25 windows.
        for _ in 0..<3 { context.count(.speech) }
        #expect(!context.greetingHeard)
        context.count(.speech)
        #expect(context.greetingHeard)
        #expect(!context.speechRecognised)
        for _ in 4..<24 { context.count(.speech) }
        #expect(!context.speechRecognised)
        context.count(.speech)
        #expect(context.speechRecognised)
        #expect(context.confirmingSpeechWindows == 25)
    }

    @Test func withoutASpeechClassOnlyVoicedSoundCounts() {
        var context = Self.context(hasSpeechClass: false)
        for _ in 0..<100 { context.count(.speech) }
        #expect(!context.greetingHeard)
        #expect(!context.speechRecognised)
    }

    @Test func moreMusicThanSpeechPutsMusicOnTheLine() {
        var context = Self.context()
        context.count(.music)
        #expect(context.musicOnLine)
        context.count(.speech)
        #expect(!context.musicOnLine)
        context.count(.other)
        #expect(context.speechWindows == 1 && context.musicWindows == 1)
    }

    @Test func theSpeechLevelRisesQuicklyAndFallsSlowly() {
        var context = Self.context()
        context.observe(voiced: true, tonal: false, bandEnergyDb: -20)
        // From −60 dB, a fifth of the way to −20 dB.
        #expect(abs(context.speechLevelDb - -52) < 1e-9)
        for _ in 0..<50 { context.observe(voiced: true, tonal: false, bandEnergyDb: -20) }
        #expect(abs(context.speechLevelDb - -20) < 0.01)
        // A quiet frame pulls it down by half a percent of the distance only.
        context.observe(voiced: true, tonal: false, bandEnergyDb: -60)
        #expect(abs(context.speechLevelDb - (-20 - 40 * 0.005)) < 0.01)
    }

    @Test func voicedFramesBeforeAnOnsetLeaveOutTheFramesThatMayHoldIt() {
        var context = Self.context()
        for _ in 0..<10 { context.observe(voiced: true, tonal: false, bandEnergyDb: -25) }
        context.observe(voiced: true, tonal: true, bandEnergyDb: -15)
        // The onset frame and the 4 before it are left out: 6 of the 10 voiced frames count.
        #expect(context.voicedBeforeOnset == 6)
        var long = Self.context()
        for _ in 0..<100 { long.observe(voiced: true, tonal: false, bandEnergyDb: -25) }
        long.observe(voiced: true, tonal: true, bandEnergyDb: -15)
        #expect(long.voicedBeforeOnset == GreetingContext.voicedLookbackFrames)
    }
}
