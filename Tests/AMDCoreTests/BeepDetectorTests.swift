import AMDCore
import Foundation
import Testing

/// The detector on synthesized calls: beeps of many kinds are found quickly; signalling tones and voices are not.
struct BeepDetectorTests {
    /// Runs 16 kHz samples through a fresh pipeline in 20 ms chunks.
    static func events(
        _ signal: [Double],
        rate: Int = 16_000,
        model: BeepModel = .default
    ) throws -> (beeps: [BeepEvent], rejections: [ToneRejection]) {
        var pipeline = try StreamDetector(encoding: .linear16, sampleRate: rate, model: model)
        let samples = Synth.int16(signal)
        var beeps: [BeepEvent] = []
        var rejections: [ToneRejection] = []
        let step = rate / 50
        samples.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + step)
                pipeline.process(samples: UnsafeBufferPointer(rebasing: all[offset..<end])) { output in
                    if let beep = output.beep { beeps.append(beep) }
                    if let rejection = output.rejection { rejections.append(rejection) }
                }
                offset = end
            }
        }
        return (beeps, rejections)
    }

    /// The reasons of every rejection in `result`.
    static func reasons(_ result: (beeps: [BeepEvent], rejections: [ToneRejection])) -> Set<ToneRejection.Reason> {
        Set(result.rejections.map(\.reason))
    }

    /// Ten seconds of real recorded speech (FreeSWITCH's `agent.wav` and `hi.wav`, 16 kHz, twice), as fractions of
    /// full scale.
    static let greeting = speech(["agent", "hi", "agent", "hi"])

    /// A short greeting: FreeSWITCH's `hi.wav` alone, 2.2 s, as terse mailboxes and carriers play.
    static let shortGreeting = speech(["hi"])

    /// The named recordings of `Fixtures/speech`, one after the other, as fractions of full scale.
    static func speech(_ names: [String]) -> [Double] {
        names.flatMap { name -> [Double] in
            guard let url = Bundle.module.url(forResource: "Fixtures/speech/\(name)", withExtension: "wav"),
                let data = try? Data(contentsOf: url)
            else { return [] }
            // The recordings sit near −38 dBFS RMS; calls arrive at −30…−16 dBFS, so raise them by 12 dB.
            return pcm16Samples(wav: [UInt8](data)).map { 4 * Double($0) / 32768 }
        }
    }

    /// The samples of a 16-bit PCM WAV file's `data` chunk.
    static func pcm16Samples(wav bytes: [UInt8]) -> [Int16] {
        var offset = 12
        while offset + 8 <= bytes.count {
            let size =
                Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            if bytes[offset..<(offset + 4)].elementsEqual("data".utf8) {
                let end = min(bytes.count, offset + 8 + size)
                return stride(from: offset + 8, to: end - 1, by: 2).map {
                    Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
                }
            }
            offset += 8 + size + (size & 1)
        }
        return []
    }

    /// A greeting (real speech), a pause, then `tone`, then silence; the tone starts at the returned time in ms.
    static func call(
        _ tone: [Double], seed: UInt64 = 1, noiseLevel: Double = 0.003, greeting: [Double] = BeepDetectorTests.greeting
    ) -> ([Double], Int64) {
        var synth = Synth(seed: seed)
        var lead = synth.silence(0.3) + greeting
        lead += synth.silence(0.5)
        let onset = Int64(lead.count * 1000 / synth.rate)
        let clean = lead + tone + synth.silence(1.5)
        return (Synth.add(clean, synth.noise(Double(clean.count) / 16_000, level: noiseLevel)), onset)
    }

    // 440 Hz, a nominal call-waiting and ringback frequency, is left to the signalling tests below: after this
    // greeting, which the MFCC classifier hardly calls speech, the track classifier takes it for a network tone.
    @Test(arguments: [350.0, 470.0, 620.0, 1000.0, 1400.0, 1850.0, 2200.0])
    func findsSineBeepsAcrossTheBand(frequency: Double) throws {
        let (signal, onset) = Self.call(Synth(seed: 2).tone([frequency], seconds: 0.4))
        let result = try Self.events(signal)
        #expect(!Self.greeting.isEmpty, "speech fixtures missing")
        let beep = try #require(result.beeps.first, "no beep at \(frequency) Hz; rejections: \(result.rejections)")
        #expect(abs(beep.frequencyHz - frequency) < frequency * 0.01)
        #expect(abs(beep.onsetMs - onset) <= 30, "onset \(beep.onsetMs) vs \(onset)")
        // Clear tones above the band where a voice's harmonic can dominate are reported at the first look; the
        // others after 200 ms of tone at most.
        let bound: Int64 = (700...2000).contains(frequency) ? 150 : 600
        #expect(beep.detectedMs - onset <= bound, "latency \(beep.detectedMs - onset) ms")
        #expect(result.beeps.count == 1)
    }

    /// A greeting of one 2.2 s recording, a voice the MFCC classifier was not trained on, that gives 0.9 s of
    /// voiced sound: the greeting rule must count it (a beep heard before any greeting is taken for the network's),
    /// and the track classifier must take the beep after so little speech for a beep.
    @Test(arguments: [1000.0, 1400.0, 1850.0])
    func findsTheBeepAfterAShortGreeting(frequency: Double) throws {
        let (signal, onset) = Self.call(Synth(seed: 2).tone([frequency], seconds: 0.4), greeting: Self.shortGreeting)
        let result = try Self.events(signal)
        #expect(!Self.shortGreeting.isEmpty, "speech fixture missing")
        let beep = try #require(result.beeps.first, "no beep at \(frequency) Hz; rejections: \(result.rejections)")
        #expect(abs(beep.frequencyHz - frequency) < frequency * 0.01)
        #expect(abs(beep.onsetMs - onset) <= 30, "onset \(beep.onsetMs) vs \(onset)")
    }

    /// The greeting counts by its voiced sound even when the MFCC classifier hears no speech in it and some music
    /// (a voice unlike its training, speech in noise, a music bed): the beep after it is judged, by the quiet that
    /// follows it, instead of being dismissed as a tone before anyone spoke. The track classifier, which weighs how
    /// much speech was recognised, is left out: this is the detector's greeting rule alone.
    @Test func findsTheBeepAfterAGreetingTheClassifierCallsMusic() throws {
        var model = BeepModel.default
        model.trackClassifier = nil
        let classes = model.classifier.classes
        let speech = try #require(classes.firstIndex(of: "speech"))
        let music = try #require(classes.firstIndex(of: "music"))
        model.classifier.classPrior[music] += model.classifier.classPrior[speech] - 1e-300
        model.classifier.classPrior[speech] = 1e-300
        let (signal, onset) = Self.call(Synth(seed: 2).tone([1000], seconds: 0.4))
        let result = try Self.events(signal, model: model)
        let beep = try #require(result.beeps.first, "no beep; rejections: \(result.rejections)")
        #expect(abs(beep.onsetMs - onset) <= 30, "onset \(beep.onsetMs) vs \(onset)")
        // Judged when the line has stayed quiet for `quiet_after_ms` (300 ms) after the 400 ms tone.
        #expect(beep.detectedMs - onset <= 800, "latency \(beep.detectedMs - onset) ms")
        #expect(result.beeps.count == 1)
    }

    @Test func findsSquareWaveAndTwoToneBeeps() throws {
        let synth = Synth(seed: 3)
        for tone in [synth.tone([600], seconds: 0.3, harmonics: 4), synth.tone([800, 1250], seconds: 0.3)] {
            let (signal, onset) = Self.call(tone)
            let result = try Self.events(signal)
            let beep = try #require(result.beeps.first, "rejections: \(result.rejections)")
            #expect(beep.detectedMs - onset <= 300)
        }
    }

    /// A short quiet beep, and a 180 ms one in line noise 12 dB under the greeting: what follows it is as noisy as
    /// what came before, and must not count as someone speaking.
    @Test(arguments: [(1200.0, 0.12, 0.05, 0.008, Int64(150)), (900.0, 0.18, 0.12, 0.012, Int64(450))])
    func findsAShortBeepInNoise(
        frequency: Double, seconds: Double, amplitude: Double, noise: Double, bound: Int64
    )
        throws
    {
        let synth = Synth(seed: 4)
        let tone = synth.tone([frequency], seconds: seconds, amplitude: amplitude)
        let (signal, onset) = Self.call(tone, noiseLevel: noise)
        let result = try Self.events(signal)
        let beep = try #require(result.beeps.first, "rejections: \(result.rejections)")
        #expect(beep.detectedMs - onset <= bound)
        #expect(abs(beep.frequencyHz - frequency) < frequency * 0.01)
    }

    @Test func findsATwoToneSequenceFromItsFirstTone() throws {
        // Two tones back to back: the second takes over from the first within a frame, which in a melody or a word
        // would be a succession; after a steady first tone it is the same beep going on.
        let synth = Synth(seed: 5)
        let tones = synth.tone([520], seconds: 0.15) + synth.tone([780], seconds: 0.15)
        let (signal, onset) = Self.call(tones)
        let result = try Self.events(signal)
        let beep = try #require(result.beeps.first, "rejections: \(result.rejections)")
        #expect(abs(beep.onsetMs - onset) <= 30, "onset \(beep.onsetMs) vs \(onset)")
        #expect(beep.detectedMs - onset <= 500)
        #expect(!result.rejections.contains { $0.reason == .succession }, "\(result.rejections)")
    }

    @Test func ignoresAFaintNoteAfterTheGreeting() throws {
        // A pure note 30 dB under the voice (music in the background) is steady and tonal, but no beep is that much
        // quieter than the greeting.
        let synth = Synth(seed: 7)
        let (signal, _) = Self.call(synth.tone([600], seconds: 0.5, amplitude: 0.002), noiseLevel: 0.0003)
        let result = try Self.events(signal)
        #expect(result.beeps.isEmpty)
        #expect(result.rejections.contains { $0.reason == .faint }, "\(result.rejections)")
    }

    @Test func ignoresDTMFDigits() throws {
        let synth = Synth(seed: 5)
        var signal: [Double] = synth.silence(0.5)
        for (low, high) in [(697.0, 1209.0), (770.0, 1336.0), (852.0, 1477.0), (941.0, 1633.0)] {
            signal += synth.tone([low, high], seconds: 0.2) + synth.silence(0.1)
        }
        let result = try Self.events(Self.call(signal).0)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        #expect(result.rejections.filter { $0.reason == .dtmf }.count == 4, "\(result.rejections)")
    }

    /// A keyed string whose third digit lost its 1336 Hz partner (twist, a handset's filter): the lone 770 Hz tone
    /// amid the string is a digit, not a beep, and is turned down as DTMF.
    @Test func ignoresADTMFDigitWhosePartnerToneWasLost() throws {
        let synth = Synth(seed: 5)
        var signal: [Double] = []
        for pair in [[697.0, 1209.0], [852.0, 1477.0], [770.0], [941.0, 1633.0]] {
            signal += synth.tone(pair, seconds: 0.2) + synth.silence(0.15)
        }
        let result = try Self.events(Self.call(signal).0)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        let lone = try #require(result.rejections.first { abs($0.frequencyHz - 770) < 10 }, "\(result.rejections)")
        #expect(lone.reason == .dtmf, "\(result.rejections)")
        #expect(result.rejections.filter { $0.reason == .dtmf }.count == 4, "\(result.rejections)")
    }

    /// The same 770 Hz tone after the greeting with no digits before it is a beep.
    @Test func findsABeepAtADTMFFrequencyWithNoDigitsBefore() throws {
        let synth = Synth(seed: 5)
        let (signal, onset) = Self.call(synth.tone([770], seconds: 0.4))
        let result = try Self.events(signal)
        let beep = try #require(result.beeps.first, "rejections: \(result.rejections)")
        #expect(abs(beep.onsetMs - onset) <= 30, "onset \(beep.onsetMs) vs \(onset)")
    }

    /// The first burst is already sounding when the stream starts. The others are turned down by how the pair looks
    /// in the frames: 40 Hz apart the two merge into one wandering peak, 50 Hz apart they beat, 140 Hz apart they are
    /// matched as a call-progress pair, and 350 + 440 Hz, whose second tone the frames show too seldom for a pair, is a
    /// tone before anyone spoke.
    @Test(arguments: [
        ([440.0, 480.0], ToneRejection.Reason.unstableFrequency), ([400.0, 450.0], .beating),
        ([480.0, 620.0], .callProgress), ([350.0, 440.0], .noGreeting),
    ])
    func ignoresDualCallProgressTones(pair: [Double], reason: ToneRejection.Reason) throws {
        let synth = Synth(seed: 6)
        let burst = synth.tone(pair, seconds: 1.0) + synth.silence(1.0)
        let result = try Self.events(burst + burst + burst)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        #expect(result.rejections.first?.reason == .onsetUnseen, "\(result.rejections)")
        #expect(Self.reasons(result) == [.onsetUnseen, reason], "\(result.rejections)")
    }

    @Test func ignoresSingleToneRingbackBeforeAnyone() throws {
        let synth = Synth(seed: 7)
        let burst = synth.silence(0.5) + synth.tone([425], seconds: 1.0) + synth.silence(2.0)
        let result = try Self.events(burst + burst)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        // Nobody spoke before the first; the second repeats it.
        #expect(result.rejections.map(\.reason) == [.noGreeting, .repeated], "\(result.rejections)")
    }

    @Test func findsABeepNearACallProgressFrequencyFollowedBySpeech() throws {
        // 431 Hz is 1.4 % off CEPT's 425 Hz, and the caller's message starts 0.3 s after it. Once the classifier has
        // heard 2 s of speech such a tone is judged at once; before that it waits for a cadence (0.9 s), and either
        // way the speech after it must not hide it.
        let synth = Synth(seed: 11)
        let (signal, onset) = Self.call(synth.tone([431], seconds: 0.4) + synth.silence(0.3) + Self.greeting)
        let result = try Self.events(signal)
        // After this real greeting, of which the MFCC classifier calls only 9 windows speech, the track classifier
        // doubts the tone at its first look. It has been found since the second look comes after 140 ms of tone
        // (`watch_frames` 14); with 20 frames it was turned down.
        let beep = try #require(result.beeps.first, "rejections: \(result.rejections)")
        #expect(beep.detectedMs - onset <= 1500, "latency \(beep.detectedMs - onset) ms")
        #expect(abs(beep.onsetMs - onset) <= 30)
    }

    @Test func ignoresABusyToneAfterAGreeting() throws {
        // Exactly 425 Hz, 0.5 s on and off: the network's busy tone after a hang-up, recognised by its cadence.
        let synth = Synth(seed: 12)
        var busy: [Double] = []
        for _ in 0..<4 { busy += synth.tone([425], seconds: 0.5) + synth.silence(0.5) }
        let result = try Self.events(Self.call(busy).0)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        #expect(Self.reasons(result).contains(.repeated), "\(result.rejections)")
    }

    @Test func ignoresSpecialInformationTones() throws {
        let synth = Synth(seed: 8)
        let sit =
            synth.tone([913.8], seconds: 0.274) + synth.tone([1370.6], seconds: 0.274)
            + synth.tone([1776.7], seconds: 0.38)
        let (signal, _) = Self.call(sit)
        let result = try Self.events(signal)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        #expect(Self.reasons(result).contains(.sit), "\(result.rejections)")
    }

    @Test func ignoresFaxAnswerAndCallingTones() throws {
        let synth = Synth(seed: 9)
        let ced = synth.silence(0.5) + synth.tone([2100], seconds: 3.0)
        let cng =
            synth.silence(0.5) + synth.tone([1100], seconds: 0.5) + synth.silence(3.0)
            + synth.tone([1100], seconds: 0.5)
        for (name, signal) in [("CED", ced), ("CNG", cng)] {
            let result = try Self.events(signal)
            #expect(result.beeps.isEmpty, "\(name) beeps: \(result.beeps)")
            #expect(Self.reasons(result).contains(.noGreeting), "\(name): \(result.rejections)")
        }
    }

    @Test(arguments: [110.0, 180.0, 250.0])
    func ignoresSustainedVowels(pitch: Double) throws {
        var synth = Synth(seed: 10)
        let signal = synth.silence(0.3) + synth.vowel(2.0, pitch: pitch) + synth.silence(0.3)
        let result = try Self.events(signal)
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        // The tone analysis takes the harmonic series for a voice: no track lasts long enough to be judged.
        #expect(result.rejections.isEmpty, "\(result.rejections)")
    }

    @Test func ignoresAToneAlreadySoundingAtTheStart() throws {
        let synth = Synth(seed: 11)
        let result = try Self.events(synth.tone([1004], seconds: 3.0))
        #expect(result.beeps.isEmpty, "beeps: \(result.beeps)")
        #expect(result.rejections.map(\.reason) == [.onsetUnseen], "\(result.rejections)")
    }

    /// The scored tone comes out before the beep it led to, with the same onset and frequency, and the time of the
    /// decision.
    @Test func aBeepFollowsItsCandidateInTheOutput() throws {
        let (signal, onset) = Self.call(Synth(seed: 2).tone([1000], seconds: 0.4))
        var pipeline = try StreamDetector(encoding: .linear16, sampleRate: 16_000)
        var outputs: [BeepDetector.Output] = []
        Synth.int16(signal).withUnsafeBufferPointer { samples in
            pipeline.process(samples: samples) { outputs.append($0) }
        }
        let index = try #require(outputs.firstIndex { $0.beep != nil })
        let beep = try #require(outputs[index].beep)
        let candidate = try #require(outputs[..<index].last?.candidate, "\(outputs[..<index])")
        #expect(abs(beep.onsetMs - onset) <= 30)
        #expect(candidate.onsetMs == beep.onsetMs && candidate.atMs == beep.detectedMs)
        #expect(abs(candidate.frequencyHz - beep.frequencyHz) < 0.1)
        #expect(pipeline.beepCount == outputs.filter { $0.beep != nil }.count)
    }

    @Test func sameEventsWhateverTheChunkSize() throws {
        let (signal, _) = Self.call(Synth(seed: 12).tone([1000], seconds: 0.3))
        let reference = try Self.events(signal).beeps
        var pipeline = try StreamDetector(encoding: .linear16, sampleRate: 16_000)
        var beeps: [BeepEvent] = []
        let samples = Synth.int16(signal)
        var offset = 0
        var size = 1
        while offset < samples.count {
            let end = min(samples.count, offset + size)
            samples[offset..<end].withUnsafeBufferPointer {
                pipeline.process(samples: $0) { output in if let beep = output.beep { beeps.append(beep) } }
            }
            offset = end
            size = size * 7 % 997 + 1
        }
        #expect(beeps == reference)
        #expect(!beeps.isEmpty)
    }

    @Test func eightKilohertzMuLawGivesTheSameBeep() throws {
        let synth = Synth(rate: 8000, seed: 13)
        // The greeting decimated to 8 kHz by plain 2:1 averaging: a crude anti-alias filter is enough here.
        let greeting8k = stride(from: 0, to: Self.greeting.count - 1, by: 2).map {
            (Self.greeting[$0] + Self.greeting[$0 + 1]) / 2
        }
        let lead = greeting8k + synth.silence(0.5)
        let signal = lead + synth.tone([1000], seconds: 0.4) + synth.silence(1.0)
        let bytes = Synth.int16(signal).map(G711.linearToMuLaw)
        var pipeline = try StreamDetector(encoding: .muLaw, sampleRate: 8000)
        var beeps: [BeepEvent] = []
        var rejections: [ToneRejection] = []
        bytes.withUnsafeBytes {
            pipeline.process($0) { output in
                if let beep = output.beep { beeps.append(beep) }
                if let rejection = output.rejection { rejections.append(rejection) }
            }
        }
        let beep = try #require(beeps.first, "rejections: \(rejections)")
        let onset = Int64(lead.count / 8)
        #expect(abs(beep.onsetMs - onset) <= 30)
        #expect(abs(beep.frequencyHz - 1000) < 10)
    }
}
