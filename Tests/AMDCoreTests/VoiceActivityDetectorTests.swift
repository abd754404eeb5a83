import AMDCore
import Foundation
import Testing

/// ``VoiceActivityDetector`` on synthesized tones, speech-like bursts, silence, noise and a real prompt.
struct VoiceActivityDetectorTests {
    static let rate = 16_000
    static let frame = 160

    /// Synthesizes 16 kHz test audio: levels in dBFS where a full-scale sine reads 0 dBFS.
    struct Synth {
        var generator = SplitMix64(seed: 42)

        mutating func gaussian() -> Double {
            let u1 = Double(generator.next() >> 11 + 1) / Double(1 << 53)
            let u2 = Double(generator.next() >> 11) / Double(1 << 53)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }

        /// White noise whose energy reads `dbfs`.
        mutating func noise(dbfs: Double, seconds: Double) -> [Double] {
            let rms = 32_768 * pow(10, dbfs / 20) / 2.squareRoot()
            return (0..<Int(seconds * Double(rate))).map { _ in rms * gaussian() }
        }

        /// A sine of peak level `dbfs`.
        static func tone(_ hz: Double, dbfs: Double, seconds: Double) -> [Double] {
            let amplitude = 32_768 * pow(10, dbfs / 20)
            return (0..<Int(seconds * Double(rate))).map { amplitude * sin(2 * .pi * hz * Double($0) / Double(rate)) }
        }

        /// Voiced-speech-like bursts: a 140 Hz harmonic series with falling harmonics, syllable envelopes of
        /// `burstSeconds` separated by `gapSeconds` of nothing, peak near `dbfs`.
        static func speech(
            dbfs: Double, seconds: Double, burstSeconds: Double = 0.25, gapSeconds: Double = 0.15
        )
            -> [Double]
        {
            let amplitude = 32_768 * pow(10, dbfs / 20) / 1.6
            let period = burstSeconds + gapSeconds
            return (0..<Int(seconds * Double(rate))).map { n in
                let t = Double(n) / Double(rate)
                let inPeriod = t.truncatingRemainder(dividingBy: period)
                guard inPeriod < burstSeconds else { return 0 }
                let envelope = sin(.pi * inPeriod / burstSeconds)
                let f0 = 140 + 20 * sin(2 * .pi * 3 * t)  // a little intonation
                var value = 0.0
                for harmonic in 1...20 {
                    value += sin(2 * .pi * f0 * Double(harmonic) * t) / Double(harmonic)
                }
                return amplitude * envelope * value
            }
        }
    }

    static func mix(_ parts: [Double]...) -> [Int16] {
        let count = parts.map(\.count).max() ?? 0
        return (0..<count).map { n in
            let sum = parts.reduce(0.0) { $0 + (n < $1.count ? $1[n] : 0) }
            return Int16(max(-32_768, min(32_767, sum.rounded())))
        }
    }

    /// Runs `samples` through a detector frame by frame.
    static func run(
        _ samples: [Int16], configuration: VoiceActivityDetector.Configuration = .init()
    ) throws
        -> [VADDecision]
    {
        var detector = try VoiceActivityDetector(configuration: configuration)
        let size = configuration.frameSamples
        return samples.withUnsafeBufferPointer { samples in
            stride(from: 0, to: samples.count - size + 1, by: size).map { start in
                detector.process(frame: UnsafeBufferPointer(rebasing: samples[start..<(start + size)]))
            }
        }
    }

    /// Share of voiced frames among the 10 ms frames from `from` to `to` seconds.
    static func voicedShare(_ decisions: [VADDecision], from: Double, to: Double) -> Double {
        let frames = decisions[Int((from * 100).rounded())..<min(decisions.count, Int((to * 100).rounded()))]
        return Double(frames.filter(\.isVoiced).count) / Double(frames.count)
    }

    static func transitions(_ decisions: [VADDecision]) -> [VADDecision.Transition] {
        decisions.compactMap(\.transition)
    }

    @Test func energyOfSinesAndSilenceIsInDbfs() {
        for dbfs in [0.0, -3, -30, -60] {
            let samples = Self.mix(Synth.tone(1000, dbfs: dbfs, seconds: 0.01))
            let energy = samples.withUnsafeBufferPointer { VoiceActivityDetector.energyDbfsQ8(of: $0) }
            #expect(abs(Double(energy) / 256 - dbfs) < 0.1, "a \(dbfs) dBFS sine reads \(Double(energy) / 256)")
        }
        let zeros = [Int16](repeating: 0, count: 160)
        #expect(zeros.withUnsafeBufferPointer { VoiceActivityDetector.energyDbfsQ8(of: $0) } == -30_720)
        let empty = [Int16]()
        #expect(empty.withUnsafeBufferPointer { VoiceActivityDetector.energyDbfsQ8(of: $0) } == -30_720)
    }

    @Test func integerLog2IsExactToOneLeastSignificantBit() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            let x = generator.next() >> (generator.next() % 64)
            guard x > 0 else { continue }
            let expected = log2(Double(x)) * 65_536
            let actual = Double(VoiceActivityDetector.log2Q16(x))
            #expect(
                actual <= expected + 1e-6 && expected - actual < 1.001, "log2Q16(\(x)) = \(actual), want \(expected)")
        }
        #expect(VoiceActivityDetector.log2Q16(1) == 0)
        #expect(VoiceActivityDetector.log2Q16(1 << 40) == 40 << 16)
    }

    /// The bit-by-bit logarithm with a branch per bit, as first written: the branch-free one must match it exactly.
    static func referenceLog2Q16(_ x: UInt64) -> Int64 {
        guard x > 0 else { return 0 }
        let exponent = 63 - x.leadingZeroBitCount
        var mantissa = exponent >= 30 ? x >> UInt64(exponent - 30) : x << UInt64(30 - exponent)
        var fraction: Int64 = 0
        for bit in (0..<16).reversed() {
            mantissa = (mantissa * mantissa) >> 30
            if mantissa >= 1 << 31 {
                mantissa >>= 1
                fraction |= 1 << Int64(bit)
            }
        }
        return Int64(exponent) << 16 | fraction
    }

    @Test func integerLog2MatchesTheBranchingReferenceBitForBit() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let x = generator.next() >> (generator.next() % 64)
            #expect(VoiceActivityDetector.log2Q16(x) == Self.referenceLog2Q16(x), "log2Q16(\(x))")
        }
        for x: UInt64 in [0, 1, 2, 3, 160, 320, UInt64.max] {
            #expect(VoiceActivityDetector.log2Q16(x) == Self.referenceLog2Q16(x), "log2Q16(\(x))")
        }
    }

    @Test func toneOverNoiseIsVoicedAndMakesOneSegment() throws {
        var synth = Synth()
        let noise = synth.noise(dbfs: -60, seconds: 3)
        let tone = [Double](repeating: 0, count: Self.rate) + Synth.tone(1000, dbfs: -30, seconds: 1)
        let decisions = try Self.run(Self.mix(noise, tone))
        let before = Self.voicedShare(decisions, from: 0.3, to: 1)
        let during = Self.voicedShare(decisions, from: 1, to: 2)
        let after = Self.voicedShare(decisions, from: 2.01, to: 3)
        print("VAD tone −30 dBFS over noise −60 dBFS: voiced before \(before), during \(during), after \(after)")
        #expect(before == 0)
        #expect(during == 1)
        #expect(after == 0)
        let segments = Self.transitions(decisions)
        #expect(segments.count == 2)
        if case .started(let start) = segments.first {
            #expect(
                (Self.rate - 3200)...(Self.rate + 3200) ~= Int(start), "tone at 16000 started a segment at \(start)")
        } else {
            Issue.record("no segment started: \(segments)")
        }
        if case .ended(let end) = segments.last {
            #expect((2 * Self.rate)...(2 * Self.rate + 6400) ~= Int(end), "tone ending at 32000 ended at \(end)")
        } else {
            Issue.record("the segment did not end: \(segments)")
        }
        let toneEnergy = decisions[150].energyDbfs
        #expect(abs(toneEnergy + 30) < 0.2, "tone frame reads \(toneEnergy) dBFS")
    }

    @Test func speechLikeBurstsAreVoiced() throws {
        var synth = Synth()
        let noise = synth.noise(dbfs: -60, seconds: 4)
        let speech = [Double](repeating: 0, count: Self.rate / 2) + Synth.speech(dbfs: -20, seconds: 3)
        let decisions = try Self.run(Self.mix(noise, speech))
        // Frames in the middle 200 ms of each 250 ms burst (bursts start every 400 ms from 0.5 s).
        var burstFrames = 0
        var voiced = 0
        for burst in 0..<7 {
            let start = 50 + burst * 40 + 3
            for index in start..<(start + 19) {
                burstFrames += 1
                voiced += decisions[index].isVoiced ? 1 : 0
            }
        }
        let share = Double(voiced) / Double(burstFrames)
        let segments = Self.transitions(decisions)
        print("VAD speech-like bursts −20 dBFS: \(String(format: "%.3f", share)) of burst frames voiced, \(segments)")
        #expect(share >= 0.9)
        #expect(segments.count == 2, "bursts 150 ms apart should make one segment: \(segments)")
        #expect(Self.voicedShare(decisions, from: 0.3, to: 0.5) == 0)
    }

    @Test func silenceIsNeverVoiced() throws {
        let decisions = try Self.run([Int16](repeating: 0, count: 5 * Self.rate))
        #expect(decisions.allSatisfy { !$0.isVoiced && $0.transition == nil })
        #expect(decisions.last?.energyDbfsQ8 == VoiceActivityDetector.silenceDbfsQ8)
    }

    @Test func steadyNoiseBecomesUnvoicedOnceTheFloorAdapts() throws {
        var synth = Synth()
        // From the start of the stream: the warm-up learns it.
        let fromStart = try Self.run(Self.mix(synth.noise(dbfs: -40, seconds: 6)))
        let adaptedAt = (fromStart.lastIndex(where: \.isVoiced) ?? -1) + 1
        print("VAD noise −40 dBFS from the start: unvoiced from \(Double(adaptedAt) / 100) s on")
        #expect(adaptedAt <= 300)
        #expect(Self.voicedShare(fromStart, from: 3, to: 6) == 0)

        // After 2 s of digital silence, a 20 dB step above the floor's minimum takes the slow rise.
        let step = try Self.run(
            Self.mix([Double](repeating: 0, count: 2 * Self.rate) + synth.noise(dbfs: -35, seconds: 12)))
        let stepAdaptedAt = (step.lastIndex(where: \.isVoiced) ?? -1) + 1
        print("VAD noise −35 dBFS after silence: unvoiced \(Double(stepAdaptedAt) / 100 - 2) s after it began")
        #expect(Self.voicedShare(step, from: 10, to: 14) == 0)
        #expect(step.last?.isInSegment == false)
        #expect(abs(step.last!.noiseFloorDbfs + 35) < 3, "floor \(step.last!.noiseFloorDbfs) dBFS under −35 dBFS noise")
    }

    @Test func toneQuieterThanPrecedingSpeechIsVoiced() throws {
        var synth = Synth()
        let noise = synth.noise(dbfs: -60, seconds: 4)
        let gap = [Double](repeating: 0, count: Self.rate * 3 / 10)
        let signal = Synth.speech(dbfs: -15, seconds: 2.3) + gap + Synth.tone(1000, dbfs: -35, seconds: 1)
        let decisions = try Self.run(Self.mix(noise, signal))
        let toneStart = 2.3 + 0.3
        let share = Self.voicedShare(decisions, from: toneStart, to: toneStart + 1)
        print("VAD −35 dBFS tone after −15 dBFS speech: \(share) of tone frames voiced")
        #expect(share == 1)
    }

    @Test func twentyMillisecondFramesWork() throws {
        var synth = Synth()
        let configuration = VoiceActivityDetector.Configuration(frameMs: 20, ringFrames: 10)
        let tone = [Double](repeating: 0, count: Self.rate) + Synth.tone(1000, dbfs: -30, seconds: 1)
        let decisions = try Self.run(Self.mix(synth.noise(dbfs: -60, seconds: 3), tone), configuration: configuration)
        #expect(decisions.count == 150)
        #expect(decisions[50..<100].allSatisfy { $0.isVoiced })
        #expect(Self.transitions(decisions).count == 2)
    }

    @Test func realVoicemailPromptMakesSegments() throws {
        // FreeSWITCH's "vm-not_available" prompt: 8 kHz 16-bit mono PCM, resampled to 16 kHz here.
        let directory = try #require(Bundle.module.resourceURL)
        let wav = [UInt8](try Data(contentsOf: directory.appendingPathComponent("Fixtures/vad/vm-not_available.wav")))
        let pcm8k = try Self.pcm16Samples(ofWav: wav)
        var resampler = try Resampler(inputRate: 8000)
        var pcm16k = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: pcm8k.count))
        let written = pcm8k.withUnsafeBufferPointer { i in
            pcm16k.withUnsafeMutableBufferPointer { resampler.process(i, into: $0) }
        }
        let decisions = try Self.run(Array(pcm16k.prefix(written)))
        let voiced = Double(decisions.filter(\.isVoiced).count) / Double(decisions.count)
        let segments = Self.transitions(decisions)
        print(
            "VAD vm-not_available.wav (\(decisions.count) frames): voiced \(String(format: "%.2f", voiced)), \(segments)"
        )
        #expect(voiced > 0.3 && voiced < 0.95)
        #expect(segments.contains { if case .started = $0 { true } else { false } })
    }

    @Test func rejectsInvalidConfigurations() {
        typealias Configuration = VoiceActivityDetector.Configuration
        #expect(throws: VoiceActivityDetectorError.unsupportedFrameLength(frameMs: 15)) {
            try VoiceActivityDetector(configuration: Configuration(frameMs: 15))
        }
        #expect(throws: VoiceActivityDetectorError.unsupportedSampleRate(11_025)) {
            try VoiceActivityDetector(configuration: Configuration(sampleRate: 11_025))
        }
        #expect(throws: VoiceActivityDetectorError.invalidRingLength(frames: 0)) {
            try VoiceActivityDetector(configuration: Configuration(ringFrames: 0))
        }
        #expect(throws: VoiceActivityDetectorError.invalidRatio(name: "triggerRatio", value: 1.5)) {
            try VoiceActivityDetector(configuration: Configuration(triggerRatio: 1.5))
        }
        #expect(throws: VoiceActivityDetectorError.self) {
            try VoiceActivityDetector(configuration: Configuration(marginDb: .nan))
        }
    }

    /// The samples of a PCM 16-bit WAV: walks the RIFF chunks to `data` (enough for the committed fixture).
    static func pcm16Samples(ofWav bytes: [UInt8]) throws -> [Int16] {
        func uint32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        try #require(
            bytes.count > 12 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WAVE".utf8))
        var offset = 12
        while offset + 8 <= bytes.count {
            let size = uint32(offset + 4)
            if bytes[offset..<(offset + 4)].elementsEqual("data".utf8) {
                let end = min(bytes.count, offset + 8 + size)
                return stride(from: offset + 8, to: end - 1, by: 2).map {
                    Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
                }
            }
            offset += 8 + size + size % 2
        }
        throw WavFixtureError.noDataChunk
    }

    enum WavFixtureError: Error { case noDataChunk }
}
