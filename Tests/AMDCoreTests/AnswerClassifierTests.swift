import Testing

@testable import AMDCore

/// ``AnswerClassifier``: each rule, with the cause it gives, and the machine's end.
struct AnswerClassifierTests {
    static let frameMs: Int64 = 10
    /// The line's noise and a voice on it, in dB.
    static let noiseDb = -50.0
    static let speechDb = -20.0
    /// The default thresholds' greeting lengths and syllable-rate check, in ms.
    static let longGreetingMs = Int64(AnswerClassifier.Configuration.default.longGreetingMs)
    static let slowGreetingMs = Int64(AnswerClassifier.Configuration.default.slowGreetingMs)
    static let rateCheckMs = Int64(AnswerClassifier.Configuration.default.rateCheckMs)
    /// A greeting of the default voice (``Feeder/feed(_:ms:levelDb:)``, whose level holds between dips and so has no
    /// syllable peaks) longer than `slow_greeting_ms`, in ms.
    static let greetingMs = slowGreetingMs + 500

    /// Feeds 10 ms frames to a classifier and collects what it reports.
    struct Feeder {
        var classifier: AnswerClassifier
        var nowMs: Int64 = 0
        var decisions: [AnswerDecision] = []
        var ends: [MachineEnd] = []

        init(_ configuration: AnswerClassifier.Configuration = .default) throws {
            classifier = try AnswerClassifier(configuration: configuration, frameMs: Int(AnswerClassifierTests.frameMs))
        }

        /// Feeds `ms` of frames of `sound`: quiet at the line's noise level, the rest 30 dB above it unless
        /// `levelDb` says otherwise. A voice at the default level dips to the noise for 20 ms in every 100 ms, as
        /// speech does between syllables (a steady level would soon count as the line's noise); a feed of whole
        /// tenths of a second starts and ends voiced.
        mutating func feed(_ sound: AnswerFrame.Sound, ms: Int64, levelDb: Double? = nil) {
            let level = levelDb ?? (sound == .quiet ? AnswerClassifierTests.noiseDb : AnswerClassifierTests.speechDb)
            let syllabic = sound == .voice && levelDb == nil
            for index in 0..<(ms / AnswerClassifierTests.frameMs) {
                nowMs += AnswerClassifierTests.frameMs
                let dip = syllabic && Self.dipFrames.contains(index % Self.syllableFrames)
                let frame =
                    dip
                    ? AnswerFrame(sound: .quiet, levelDb: AnswerClassifierTests.noiseDb)
                    : AnswerFrame(sound: sound, levelDb: level)
                take(classifier.observe(frame, atMs: nowMs))
            }
        }

        /// A syllable's frames, and those of them where the voice dips.
        static let syllableFrames: Int64 = 10
        static let dipFrames: ClosedRange<Int64> = 4...5

        /// Feeds `ms` of speech with `perSecond` distinct syllables a second: each rises to the speech level at its
        /// middle from ``syllableSpanDb`` under it, and ends in a dip to the line's noise for a fifth of it (so that
        /// the noise floor stays under the voice).
        mutating func feedSyllables(ms: Int64, perSecond: Int64) {
            let period = 1000 / perSecond / AnswerClassifierTests.frameMs
            let dip = period / Self.syllableDipShare
            let middle = (period - dip) / 2
            for index in 0..<(ms / AnswerClassifierTests.frameMs) {
                nowMs += AnswerClassifierTests.frameMs
                let position = index % period
                let frame =
                    position >= period - dip
                    ? AnswerFrame(sound: .quiet, levelDb: AnswerClassifierTests.noiseDb)
                    : AnswerFrame(
                        sound: .voice,
                        levelDb: AnswerClassifierTests.speechDb - Self.syllableSpanDb * Double(abs(position - middle))
                            / Double(middle)
                    )
                take(classifier.observe(frame, atMs: nowMs))
            }
        }

        /// A shaped syllable's dip is one part in this many of it; it starts and ends this far under its peak, in dB.
        static let syllableDipShare: Int64 = 5
        static let syllableSpanDb = 6.0

        mutating func beep(confidence: Double = 0.95) { take(classifier.beep(atMs: nowMs, confidence: confidence)) }

        mutating func finish() { take(classifier.finish(atMs: nowMs)) }

        private mutating func take(_ actions: AnswerClassifier.Actions) {
            if let decision = actions.decision { decisions.append(decision) }
            if let end = actions.machineEnd { ends.append(end) }
        }
    }

    @Test func aShortHelloThenSilenceIsAHuman() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 500)
        feeder.feed(.voice, ms: 600)
        feeder.feed(.quiet, ms: 2000)
        let decision = try #require(feeder.decisions.first)
        #expect(feeder.decisions.count == 1)
        #expect(decision.answeredBy == .human)
        #expect(decision.cause == .shortGreetingThenSilence)
        #expect(decision.speechOnsetMs == 500)
        #expect(decision.decidedMs == 1100 + 700)
        #expect(decision.confidence > 0.8 && decision.confidence < 1)
        #expect(feeder.ends.isEmpty)
    }

    @Test func pausesShorterThanTheEndSilenceAreBridged() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 800)
        feeder.feed(.quiet, ms: 600)
        feeder.feed(.voice, ms: 1000)
        // Past `long_utterance_ms`, a pause must last `long_pause_ms` (1.3 s) to end the utterance.
        feeder.feed(.quiet, ms: 1200)
        feeder.feed(.voice, ms: 5000)
        let decision = try #require(feeder.decisions.first)
        #expect(feeder.decisions.count == 1)
        #expect(decision.answeredBy == .machine)
        #expect(decision.cause == .longGreeting)
        #expect(decision.speechOnsetMs == 300)
        // `slow_greeting_ms` of speech since the onset, pauses bridged: the default voice holds no syllable peaks.
        #expect(decision.decidedMs == 300 + Self.slowGreetingMs)
    }

    @Test func aLongUtteranceThenALongPauseIsAHuman() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 2000)
        feeder.feed(.quiet, ms: 2000)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .human)
        #expect(decision.cause == .shortGreetingThenSilence)
        #expect(decision.decidedMs == 2300 + 1300)
    }

    @Test func aLongGreetingIsAMachineEvenBeforeItEnds() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        // Three syllables a second: over `slow_speech_syllable_rate` (2.75), under `machine_syllable_rate` (3.5).
        feeder.feedSyllables(ms: 8000, perSecond: 3)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .machine)
        #expect(decision.cause == .longGreeting)
        #expect(decision.decidedMs == 300 + Self.longGreetingMs)
        #expect(feeder.decisions.count == 1)
    }

    @Test func quickSpeechGoingOnIsAMachineAtTheRateCheck() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        // Five syllables a second, over `machine_syllable_rate` (3.5): a greeting read on.
        feeder.feedSyllables(ms: 8000, perSecond: 5)
        let decision = try #require(feeder.decisions.first)
        #expect(feeder.decisions.count == 1)
        #expect(decision.answeredBy == .machine)
        #expect(decision.cause == .longGreeting)
        #expect(decision.speechOnsetMs == 300)
        // At `rate_check_ms`, or on the first voiced frame after it when it falls in a dip (40 ms).
        #expect(decision.decidedMs >= 300 + Self.rateCheckMs && decision.decidedMs <= 300 + Self.rateCheckMs + 40)
        #expect(decision.confidence == 0.8)
    }

    @Test func slowSpeechGoingOnWaitsForTheSlowGreeting() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        // Two syllables a second, under `slow_speech_syllable_rate`: a person talking on, not judged until
        // `slow_greeting_ms` (the frame then is in a dip, so the next voiced one decides).
        feeder.feedSyllables(ms: 10_000, perSecond: 2)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .machine)
        #expect(decision.decidedMs > 300 + Self.longGreetingMs + 500)
        #expect(decision.decidedMs <= 300 + Self.slowGreetingMs + 100)
        #expect(decision.confidence == 0.9)
    }

    @Test func aSyllablePeakIsCountedOnceAndOnlyWhenItRisesEnough() {
        /// The frames (by index) a counter reports a peak after, given each frame's level; all frames are speech.
        func peaks(_ levels: [Double]) -> [Int] {
            var counter = SyllableCounter(frameMs: 10, riseDb: 6)
            return levels.indices.filter { counter.observe(levelDb: levels[$0], speech: true) }
        }
        let silence = Array(repeating: -50.0, count: 20)
        // A syllable rises 4 dB a frame to its peak, then falls 2 dB a frame.
        let syllable: [Double] = [-40, -36, -32, -28, -24, -20, -22, -24, -26, -28, -30]
        // Each peak (frames 25 and 36) is reported `delayFrames` (5) frames later.
        #expect(SyllableCounter(frameMs: 10, riseDb: 6).delayFrames == 5)
        #expect(peaks(silence + syllable + syllable + silence) == [30, 41])
        // A held level is one peak where it starts, not one per frame; a bump of 4 dB on it is none.
        let held = Array(repeating: -20.0, count: 30)
        #expect(peaks(silence + held + [-23, -21, -19, -21, -23] + held) == [25])
        // A frame that is not speech is no peak however it rises.
        var counter = SyllableCounter(frameMs: 10, riseDb: 6)
        #expect(!(silence + syllable).map { counter.observe(levelDb: $0, speech: false) }.contains(true))
    }

    @Test func networkTonesBeforeTheAnswerDoNotStartTheClock() throws {
        var feeder = try Feeder()
        for _ in 0..<3 {
            feeder.feed(.signalling, ms: 2000)
            feeder.feed(.quiet, ms: 4000)
        }
        feeder.feed(.voice, ms: 400)
        feeder.feed(.quiet, ms: 1000)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .human)
        #expect(decision.speechOnsetMs == 18_000)
        #expect(decision.decidedMs == 18_400 + 700)
    }

    @Test func aRingbackLouderThanTheVoiceDoesNotSetTheSpeechLevel() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        // 15 dB over the voice that answers: were it the speech level, the voice would be background under it.
        feeder.feed(.signalling, ms: 2000, levelDb: Self.speechDb + 15)
        feeder.feed(.quiet, ms: 1000)
        feeder.feed(.voice, ms: 500)
        feeder.feed(.quiet, ms: 1000)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .human)
        #expect(decision.speechOnsetMs == 3300)
    }

    @Test func aClickTooShortToBeSpeechIsIgnored() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 50)
        feeder.feed(.quiet, ms: 3000)
        #expect(feeder.decisions.isEmpty)
        #expect(feeder.classifier.speechOnsetMs == nil)
    }

    @Test func steadyNoiseTheVADCallsVoiceIsNotSpeech() throws {
        var feeder = try Feeder()
        // Loud line noise the VAD takes for voice: no louder than the floor it sets.
        feeder.feed(.voice, ms: 5000, levelDb: -30)
        #expect(feeder.decisions.isEmpty)
        #expect(feeder.classifier.speechOnsetMs == nil)
        // A voice 20 dB over it is speech.
        feeder.feed(.voice, ms: 500, levelDb: -10)
        feeder.feed(.voice, ms: 1000, levelDb: -30)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .human)
        #expect(decision.speechOnsetMs == 5000)
    }

    @Test func framesTheAnalysisSkippedAreQuiet() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 500)
        for _ in 0..<100 {
            feeder.nowMs += Self.frameMs
            _ = feeder.classifier.observe(AnswerFrame(sound: .quiet, levelDb: nil), atMs: feeder.nowMs)
        }
        #expect(feeder.classifier.decision?.answeredBy == .human)
    }

    @Test func aHeldFaxToneIsAFax() throws {
        var feeder = try Feeder()
        feeder.feed(.faxTone, ms: 300)
        feeder.feed(.quiet, ms: 40)
        feeder.feed(.faxTone, ms: 200)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .fax)
        #expect(decision.cause == .faxTone)
        #expect(decision.decidedMs == 400)
        #expect(decision.speechOnsetMs == nil)
    }

    @Test func aShortFaxLikeBlipIsNotAFax() throws {
        var feeder = try Feeder()
        feeder.feed(.faxTone, ms: 300)
        feeder.feed(.quiet, ms: 200)
        feeder.feed(.faxTone, ms: 300)
        feeder.feed(.quiet, ms: 200)
        #expect(feeder.decisions.isEmpty)
    }

    @Test func aBeepBeforeAnyDecisionIsAMachineAndEndsItsGreeting() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 1000)
        feeder.feed(.quiet, ms: 200)
        feeder.beep(confidence: 0.93)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .machine)
        #expect(decision.cause == .beep)
        #expect(decision.confidence == 0.93)
        #expect(decision.decidedMs == 1500)
        #expect(decision.speechOnsetMs == 300)
        #expect(feeder.ends == [MachineEnd(outcome: .beep, ms: 1500)])
    }

    @Test func aBeepAfterALongGreetingEndsItWithBeep() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.feed(.quiet, ms: 500)
        feeder.beep()
        feeder.feed(.quiet, ms: 8000)
        feeder.finish()
        #expect(feeder.decisions.map(\.cause) == [.longGreeting])
        #expect(feeder.ends == [MachineEnd(outcome: .beep, ms: 300 + Self.greetingMs + 500)])
    }

    @Test func aGreetingEndingInSilenceEndsWithSilenceAfterTheNoBeepTimeout() throws {
        var configuration = AnswerClassifier.Configuration.default
        configuration.noBeepTimeoutMs = 3000
        var feeder = try Feeder(configuration)
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.feed(.quiet, ms: 10_000)
        #expect(feeder.decisions.map(\.answeredBy) == [.machine])
        #expect(feeder.ends == [MachineEnd(outcome: .silence, ms: 300 + Self.greetingMs + 3000)])
    }

    @Test func aCallsOwnNoBeepTimeoutReplacesTheDefault() throws {
        var feeder = try Feeder()
        try feeder.classifier.setNoBeepTimeout(ms: 1500)
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.feed(.quiet, ms: 5000)
        #expect(feeder.ends == [MachineEnd(outcome: .silence, ms: 300 + Self.greetingMs + 1500)])
        do {
            try feeder.classifier.setNoBeepTimeout(ms: 100)
            Issue.record("accepted a 100 ms no-beep timeout")
        } catch {
            guard case .invalidField(let field, let reason) = error else { Issue.record("wrong error"); return }
            #expect(field == "answer.no_beep_timeout_ms")
            #expect(reason.contains("500...60000"))
        }
        #expect(feeder.classifier.configuration.noBeepTimeoutMs == 1500)
    }

    @Test func aNetworkToneAfterTheGreetingEndsItWithOther() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.feed(.quiet, ms: 1000)
        feeder.feed(.signalling, ms: 2000)
        // The tone held `other_tone_ms` (1 s).
        #expect(feeder.ends == [MachineEnd(outcome: .other, ms: 300 + Self.greetingMs + 1000 + 1000)])
    }

    @Test func aStreamEndingDuringTheGreetingEndsItWithOther() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.feed(.quiet, ms: 1000)
        feeder.finish()
        #expect(feeder.ends == [MachineEnd(outcome: .other, ms: 300 + Self.greetingMs + 1000)])
    }

    @Test func aBeepOnAHumanCallChangesNothing() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 500)
        feeder.feed(.quiet, ms: 1000)
        feeder.beep()
        feeder.feed(.voice, ms: Self.greetingMs)
        feeder.finish()
        #expect(feeder.decisions.map(\.answeredBy) == [.human])
        #expect(feeder.ends.isEmpty)
    }

    @Test func nothingHeardByTheTimeoutIsUnknown() throws {
        var configuration = AnswerClassifier.Configuration.default
        configuration.answerTimeoutMs = 5000
        var feeder = try Feeder(configuration)
        feeder.feed(.signalling, ms: 2000)
        feeder.feed(.quiet, ms: 4000)
        let decision = try #require(feeder.decisions.first)
        #expect(decision.answeredBy == .unknown)
        #expect(decision.cause == .timeout)
        #expect(decision.decidedMs == 5000)
        #expect(decision.confidence == 0)
    }

    @Test func aStreamEndingUndecidedIsUnknown() throws {
        var feeder = try Feeder()
        feeder.feed(.quiet, ms: 300)
        feeder.feed(.voice, ms: 500)
        feeder.finish()
        #expect(feeder.decisions.map(\.cause) == [.streamEnded])
        #expect(feeder.decisions.first?.answeredBy == .unknown)
        #expect(feeder.decisions.first?.speechOnsetMs == 300)
    }

    @Test func invalidThresholdsAreRejectedByName() {
        var configuration = AnswerClassifier.Configuration.default
        configuration.noBeepTimeoutMs = 100
        #expect(throws: ModelError.self) { try AnswerClassifier(configuration: configuration, frameMs: 10) }
        do {
            _ = try AnswerClassifier(configuration: configuration, frameMs: 10)
        } catch {
            guard case .invalidField(let field, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(field == "answer.no_beep_timeout_ms")
        }
        configuration = .default
        configuration.endSilenceMs = 0
        do {
            _ = try AnswerClassifier(configuration: configuration, frameMs: 10)
            Issue.record("accepted a zero end silence")
        } catch {
            guard case .invalidField(let field, let reason) = error else { Issue.record("wrong error"); return }
            #expect(field == "answer.end_silence_ms")
            #expect(reason.contains("positive"))
        }
    }

    @Test func framesFromTheAnalysisMapToSounds() {
        func sound(voiced: Bool = true, tonal: Bool = true, _ hz: Double, _ second: Double = 0) -> AnswerFrame.Sound {
            AnswerFrame(
                voiced: voiced, analysed: true, levelDb: -20, tonal: tonal, frequencyHz: hz, secondFrequencyHz: second
            ).sound
        }
        #expect(sound(voiced: false, tonal: false, 0) == .quiet)
        #expect(sound(tonal: false, 0) == .voice)
        #expect(sound(1100) == .faxTone)
        #expect(sound(2100) == .faxTone)
        #expect(sound(1650) == .faxTone)
        #expect(sound(480, 440) == .signalling)
        #expect(sound(425) == .signalling)
        // Ringback's two close tones beat: a short frame sees one peak wandering between them.
        #expect(sound(459) == .signalling)
        #expect(sound(1400, 1000) == .voice)
        // A beep at another frequency is sound from the far end, as a voice is.
        #expect(sound(1000) == .voice)
        let skipped = AnswerFrame(
            voiced: false, analysed: false, levelDb: -120, tonal: false, frequencyHz: 0, secondFrequencyHz: 0)
        #expect(skipped.levelDb == nil)
        #expect(skipped.sound == .quiet)
    }
}
