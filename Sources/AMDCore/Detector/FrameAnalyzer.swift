/// The detector's front end: slices 16 kHz samples into overlapping frames and analyses each one once, for the
/// classifier (MFCCs and their statistics over the last few frames) and for the tone rules (spectral peaks).
///
/// Shared by ``BeepDetector`` and by training, so a model is always trained on exactly the features it is used
/// with. A frame completes every `hop_length` samples; frames the VAD finds silent (and that no tone is being
/// followed through) skip the FFT, which is most of a call's silence. No allocation after init.
public struct FrameAnalyzer: Sendable {
    /// The feature specification in force.
    public let specification: FeatureSpecification
    /// Frames completed so far; frame `n` ends at input sample `n · hop`.
    public private(set) var frameIndex: Int64 = 0
    /// Whether the latest frame was analysed (false when the VAD gate skipped it).
    public private(set) var analysed = false
    /// The VAD's verdict on the latest frame.
    public private(set) var voiced = false
    /// Tone analysis of the latest analysed frame.
    public private(set) var tone = ToneFrame()
    /// Keep analysing frames even when the VAD finds them silent (set while a tone is being followed).
    public var holdOpen = false

    private var mfcc: MFCC
    private var tones: ToneAnalyzer
    private var vad: VoiceActivityDetector
    private let hop: Int
    private let window: Int
    /// The last `longWindow` samples, scaled to ±1: frames are its newest `win_length`, and the close-pair check
    /// reads further back.
    private var ring: [Float]
    private var ringWrite = 0
    private var longFFT: RealFFT
    private var longInput: [Float]
    private var longPower: [Float]
    /// Samples the close-pair check can look back over: 128 ms at 16 kHz.
    static let longWindow = 2048
    private var hopSamples: [Int16]
    private var hopFill = 0
    private var frame: [Float]
    /// MFCC vectors of the last `context_frames` analysed frames, oldest overwritten first.
    private var history: [Float]
    private var historyWrite = 0
    /// For each statistic of the specification, in order: true for `mean`, false for `std` (resolved once at init,
    /// not compared as strings on every context window).
    private let statisticIsMean: [Bool]
    private var historyCount = 0

    /// Uniform dither of ±1.7e-4 (RMS 1e-4, −80 dBFS), from a 32-bit linear congruential generator.
    private static let ditherScale: Float = 1.7e-4 / 2_147_483_648
    private var ditherState: UInt32 = 0x2545_F491
    /// The generator: state ← state · multiplier + increment (mod 2³²).
    private static let ditherMultiplier: UInt32 = 1_664_525
    private static let ditherIncrement: UInt32 = 1_013_904_223
    /// Generator steps taken at once by ``push(_:from:)``'s inner loop.
    private static let ditherLanes = 4
    /// Generator steps taken at once by its outer loop: four groups of ``ditherLanes``, all computed from one state,
    /// so the chain from state to state (a multiply per step, the loop's latency) is taken once per 16 samples.
    private static let ditherBlock = 16
    /// Lane `j` holds the multiplier and increment of `j + 1` steps at once: aʲ⁺¹ and c·(1 + a + … + aʲ), so that
    /// `state · multipliers + increments` gives the next sixteen states exactly (the first four lanes, the next four).
    private static let ditherMultipliers: SIMD16<UInt32> = {
        var lanes = SIMD16<UInt32>()
        var power: UInt32 = 1
        for lane in 0..<ditherBlock {
            power = power &* ditherMultiplier
            lanes[lane] = power
        }
        return lanes
    }()
    private static let ditherIncrements: SIMD16<UInt32> = {
        var lanes = SIMD16<UInt32>()
        var sum: UInt32 = 0
        for lane in 0..<ditherBlock {
            sum = sum &* ditherMultiplier &+ ditherIncrement
            lanes[lane] = sum
        }
        return lanes
    }()

    /// Frames this far above the VAD's noise floor are analysed even when not voiced: 3 dB in Q8.
    private static let analysisMarginQ8: Int32 = 3 * 256

    /// Creates a front end for `specification`, with the tone rules' `thresholds`.
    /// - Throws: ``ModelError`` when the specification is invalid.
    public init(specification: FeatureSpecification, thresholds: ToneAnalyzer.Thresholds) throws(ModelError) {
        try specification.validate()
        self.specification = specification
        let config = specification.mfcc
        do {
            mfcc = try MFCC(configuration: config)
        } catch {
            throw .invalidField(field: "features", reason: "is invalid: \(error.description)")
        }
        tones = ToneAnalyzer(sampleRate: config.sampleRate, fftSize: config.nFFT, thresholds: thresholds)
        hop = config.hopLength
        window = config.winLength
        guard (config.hopLength * 1000) % config.sampleRate == 0 else {
            throw .invalidField(field: "features.hop_length", reason: "must be a whole number of milliseconds")
        }
        do {
            vad = try VoiceActivityDetector(
                configuration: VoiceActivityDetector.Configuration(
                    frameMs: config.hopLength * 1000 / config.sampleRate,
                    sampleRate: config.sampleRate
                )
            )
        } catch {
            throw .invalidField(field: "features.hop_length", reason: "does not suit the VAD: \(error)")
        }
        ring = [Float](repeating: 0, count: Self.longWindow)
        do {
            longFFT = try RealFFT(size: Self.longWindow)
        } catch {
            throw .invalidField(field: "features", reason: "cannot make the close-pair FFT: \(error.description)")
        }
        longInput = [Float](repeating: 0, count: Self.longWindow)
        longPower = [Float](repeating: 0, count: Self.longWindow / 2 + 1)
        guard window <= Self.longWindow else {
            throw .invalidField(field: "features.win_length", reason: "must be at most \(Self.longWindow)")
        }
        hopSamples = [Int16](repeating: 0, count: hop)
        frame = [Float](repeating: 0, count: window)
        history = [Float](repeating: 0, count: specification.contextFrames * config.nMFCC)
        statisticIsMean = specification.statistics.map { $0 == "mean" }
    }

    /// Adds samples from `samples[start...]` until one completes a frame (whose results are then in ``tone``,
    /// ``voiced`` and ``analysed``) or the buffer ends; returns the index after the last sample taken and whether
    /// a frame was completed. The per-sample work (dither, ring, hop buffer) runs with the buffers borrowed once.
    public mutating func push(_ samples: UnsafeBufferPointer<Int16>, from start: Int) -> (next: Int, completed: Bool) {
        let take = min(hop - hopFill, samples.count - start)
        guard take > 0 else { return (start, false) }
        var write = ringWrite
        var state = ditherState
        let fill = hopFill
        ring.withUnsafeMutableBufferPointer { ring in
            hopSamples.withUnsafeMutableBufferPointer { hopSamples in
                var i = 0
                let multipliers = Self.ditherMultipliers
                let increments = Self.ditherIncrements
                guard let source = samples.baseAddress, let ringBase = ring.baseAddress,
                    let hopBase = hopSamples.baseAddress
                else { return }
                // Sixteen generator steps at once (the same states as one step at a time) while they fit before the
                // ring's end, then four.
                while i + Self.ditherBlock <= take, write + Self.ditherBlock <= Self.longWindow {
                    let states = SIMD16(repeating: state) &* multipliers &+ increments
                    state = states[Self.ditherBlock - 1]
                    let from = source + start + i
                    let to = ringBase + write
                    let hopTo = hopBase + fill + i
                    Self.scale(from, states: states.lowHalf.lowHalf, into: to, copy: hopTo)
                    Self.scale(from + 4, states: states.lowHalf.highHalf, into: to + 4, copy: hopTo + 4)
                    Self.scale(from + 8, states: states.highHalf.lowHalf, into: to + 8, copy: hopTo + 8)
                    Self.scale(from + 12, states: states.highHalf.highHalf, into: to + 12, copy: hopTo + 12)
                    write += Self.ditherBlock
                    if write == Self.longWindow { write = 0 }
                    i += Self.ditherBlock
                }
                while i + Self.ditherLanes <= take, write + Self.ditherLanes <= Self.longWindow {
                    let states = SIMD4(repeating: state) &* multipliers.lowHalf.lowHalf &+ increments.lowHalf.lowHalf
                    state = states[Self.ditherLanes - 1]
                    Self.scale(source + start + i, states: states, into: ringBase + write, copy: hopBase + fill + i)
                    write += Self.ditherLanes
                    if write == Self.longWindow { write = 0 }
                    i += Self.ditherLanes
                }
                while i < take {
                    let sample = samples[start + i]
                    // Dither at −80 dBFS RMS: a digital tone on a digitally silent line would otherwise give log-mel
                    // bands of −100 dB, MFCCs far outside anything the classifier saw.
                    state = state &* Self.ditherMultiplier &+ Self.ditherIncrement
                    let dither = Float(Int32(bitPattern: state)) * Self.ditherScale
                    ring[write] = Float(sample) * (1.0 / 32768.0) + dither
                    write += 1
                    if write == Self.longWindow { write = 0 }
                    hopSamples[fill + i] = sample
                    i += 1
                }
            }
        }
        ringWrite = write
        ditherState = state
        hopFill += take
        guard hopFill == hop else { return (start + take, false) }
        hopFill = 0
        completeFrame()
        return (start + take, true)
    }

    /// Four samples at `source`: scaled to ±1 plus the dither of the four generator `states` into `ring`, the same
    /// Float arithmetic per sample as ``push(_:from:)``'s one-at-a-time loop, and copied unchanged to `copy`.
    @inline(__always)
    private static func scale(
        _ source: UnsafePointer<Int16>, states: SIMD4<UInt32>, into ring: UnsafeMutablePointer<Float>,
        copy: UnsafeMutablePointer<Int16>
    ) {
        let block = UnsafeRawPointer(source).loadUnaligned(as: SIMD4<Int16>.self)
        let dither = SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: states)) * ditherScale
        let scaled = SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: block)) * (1.0 / 32768.0) + dither
        UnsafeMutableRawPointer(ring).storeBytes(of: scaled, as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(copy).storeBytes(of: block, as: SIMD4<Int16>.self)
    }

    /// Adds one sample; returns true when it completes a frame, whose results are then in ``tone``, ``voiced`` and
    /// ``analysed``.
    public mutating func push(_ sample: Int16) -> Bool {
        withUnsafePointer(to: sample) { push(UnsafeBufferPointer(start: $0, count: 1), from: 0).completed }
    }

    private mutating func completeFrame() {
        frameIndex += 1
        let decision = hopSamples.withUnsafeBufferPointer { vad.process(frame: $0) }
        voiced = decision.isVoiced
        // Analyse more than the VAD calls voice: a beep quieter than the greeting, under noise, may stand only a few
        // dB above the floor. Silence and steady noise still skip the FFT.
        analysed =
            voiced || holdOpen || decision.isInSegment
            || decision.energyDbfsQ8 >= decision.noiseFloorDbfsQ8 + Self.analysisMarginQ8
        guard analysed else {
            tone = ToneFrame()
            return
        }
        let end = ringWrite
        ring.withUnsafeBufferPointer { ring in
            frame.withUnsafeMutableBufferPointer { Self.copyRecent(ring, end: end, into: $0) }
        }
        frame.withUnsafeBufferPointer { mfcc.process(frame: $0) }
        tone = mfcc.powerSpectrum.withUnsafeBufferPointer { tones.analyze($0) }
        let n = specification.mfcc.nMFCC
        let base = historyWrite * n
        for i in 0..<n { history[base + i] = mfcc.coefficients[i] }
        historyWrite = (historyWrite + 1) % specification.contextFrames
        historyCount = min(historyCount + 1, specification.contextFrames)
    }

    /// Copies the newest `output.count` samples into `output`, oldest first: at most two block copies, the part
    /// before the ring's end and the part wrapped to its start.
    private static func copyRecent(
        _ ring: UnsafeBufferPointer<Float>, end ringWrite: Int, into output: UnsafeMutableBufferPointer<Float>
    ) {
        let count = output.count
        let capacity = longWindow
        guard let source = ring.baseAddress, let destination = output.baseAddress else { return }
        let read = (ringWrite - count + capacity) % capacity
        let first = min(count, capacity - read)
        destination.update(from: source + read, count: first)
        (destination + first).update(from: source, count: count - first)
    }

    /// Looks for two tones close together around `frequencyHz` in the last `samples` samples (at most 128 ms),
    /// with a long rectangular window whose resolution (16 Hz at 64 ms) a 32 ms frame lacks: ringback and dial
    /// tones are pairs 40–100 Hz apart that merge into one beating peak in short frames.
    /// - Returns: the distance between the two strongest peaks within 250 Hz of `frequencyHz`, in Hz, when the
    ///   weaker is within 6 dB of the stronger and they are at least 25 Hz apart; otherwise nil.
    public mutating func closeTonePair(aroundHz frequencyHz: Double, samples: Int) -> Double? {
        let count = min(max(samples, 256), Self.longWindow)
        for i in count..<Self.longWindow { longInput[i] = 0 }
        let end = ringWrite
        ring.withUnsafeBufferPointer { ring in
            longInput.withUnsafeMutableBufferPointer {
                Self.copyRecent(ring, end: end, into: UnsafeMutableBufferPointer(rebasing: $0[0..<count]))
            }
        }
        longInput.withUnsafeBufferPointer { input in
            longPower.withUnsafeMutableBufferPointer { longFFT.powerSpectrum(input, into: $0) }
        }
        let binHz = Double(specification.mfcc.sampleRate) / Double(Self.longWindow)
        let low = max(2, Int((frequencyHz - 250) / binHz))
        let high = min(longPower.count - 3, Int((frequencyHz + 250) / binHz))
        guard low < high else { return nil }
        var first = low
        for k in low...high where longPower[k] > longPower[first] { first = k }
        // The strongest other local maximum at least 25 Hz away.
        let minimumDistance = Int((25 / binHz).rounded(.up))
        var second = -1
        for k in low...high where abs(k - first) >= minimumDistance {
            guard longPower[k] >= longPower[k - 1], longPower[k] >= longPower[k + 1] else { continue }
            if second < 0 || longPower[k] > longPower[second] { second = k }
        }
        guard second >= 0, longPower[second] >= longPower[first] * 0.25 else { return nil }
        // Between two real tones the spectrum dips; between a tone and its own side lobe it need not.
        var valley = longPower[first]
        for k in min(first, second)...max(first, second) { valley = min(valley, longPower[k]) }
        guard valley < longPower[second] * 0.5 else { return nil }
        return Double(abs(second - first)) * binHz
    }

    /// Forgets the MFCC history, so the next context statistics cover only frames analysed from now on.
    public mutating func clearContext() {
        historyCount = 0
    }

    /// Analysed frames in the MFCC history (at most `context_frames`).
    public var contextCount: Int { historyCount }

    /// Writes the feature vector of the last analysed frames (statistics in the specification's order, each over
    /// every coefficient) into `output`, which holds ``FeatureSpecification/dimension`` values.
    public func contextFeatures(into output: UnsafeMutableBufferPointer<Double>) {
        let n = specification.mfcc.nMFCC
        let count = max(historyCount, 1)
        let capacity = specification.contextFrames
        for c in 0..<n {
            var sum = 0.0
            var sumSquares = 0.0
            for j in 0..<historyCount {
                let slot = (historyWrite - 1 - j + capacity) % capacity
                let value = Double(history[slot * n + c])
                sum += value
                sumSquares += value * value
            }
            let mean = sum / Double(count)
            let variance = max(0, sumSquares / Double(count) - mean * mean)
            for s in statisticIsMean.indices {
                output[s * n + c] = statisticIsMean[s] ? mean : variance.squareRoot()
            }
        }
    }
}
