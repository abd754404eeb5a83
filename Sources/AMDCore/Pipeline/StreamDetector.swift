/// One call's detection pipeline: decode (G.711 or linear), resample to the model's rate, detect beeps.
///
/// Every ingress (RTP, websocket, ALSA, files) feeds its audio through one of these, so the same audio yields the
/// same events whatever carried it. Event times are stream milliseconds at the input, corrected for the
/// resampler's delay. State has a fixed size set at creation (buffers for 1,024 input samples; longer
/// chunks are cut into pieces); nothing grows with call length.
public struct StreamDetector: Sendable {
    /// The encoding of the bytes given to ``process(_:onOutput:)``.
    public let encoding: AudioEncoding
    /// The input sample rate, in Hz.
    public let sampleRate: Int
    /// Input samples consumed so far (audio and silence).
    public private(set) var inputSamples: Int64 = 0
    /// Beeps reported so far.
    public private(set) var beepCount = 0

    private var detector: BeepDetector
    private var resampler: Resampler
    private var decoded: [Int16]
    private var resampled: [Int16]
    private let delayMs: Int64
    /// Input samples decoded and resampled at a time; longer inputs are cut into pieces of this size.
    private static let chunk = 1024
    private static let millisecondsPerSecond: Int64 = 1000

    /// Creates a pipeline for a stream, validating `model` first.
    ///
    /// A process that opens many streams validates its model once as a ``ValidatedModel`` and uses
    /// ``init(encoding:sampleRate:validated:answer:)``.
    /// - Parameters:
    ///   - encoding: how the bytes are encoded.
    ///   - sampleRate: the input rate in Hz (8000 for G.711; 8000 to 48000 for linear PCM).
    ///   - model: the detector's model.
    ///   - answer: the answer decision's thresholds (the call's no-beep timeout among them).
    public init(
        encoding: AudioEncoding,
        sampleRate: Int,
        model: BeepModel,
        answer: AnswerClassifier.Configuration = .default
    ) throws(StreamDetectorError) {
        let validated: ValidatedModel
        do {
            validated = try ValidatedModel(model)
        } catch {
            throw .model(error)
        }
        try self.init(encoding: encoding, sampleRate: sampleRate, validated: validated, answer: answer)
    }

    /// Creates a pipeline for a stream with a model validated beforehand, without validating it again: this is what
    /// a call costs to open.
    /// - Parameters:
    ///   - encoding: how the bytes are encoded.
    ///   - sampleRate: the input rate in Hz (8000 for G.711; 8000 to 48000 for linear PCM).
    ///   - validated: the detector's model (the shipped one unless given).
    ///   - answer: the answer decision's thresholds (the call's no-beep timeout among them).
    public init(
        encoding: AudioEncoding,
        sampleRate: Int,
        validated: ValidatedModel = .default,
        answer: AnswerClassifier.Configuration = .default
    ) throws(StreamDetectorError) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        let model = validated.model
        let outputRate = model.features.mfcc.sampleRate
        do {
            resampler = try Resampler(inputRate: sampleRate, outputRate: outputRate)
        } catch {
            throw .unsupportedSampleRate(sampleRate)
        }
        do {
            detector = try BeepDetector(validated: validated, answer: answer)
        } catch {
            throw .model(error)
        }
        decoded = [Int16](repeating: 0, count: Self.chunk)
        resampled = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: Self.chunk))
        delayMs = Int64(resampler.delay) * Self.millisecondsPerSecond / Int64(outputRate)
    }

    /// Stream time consumed so far, in milliseconds.
    public var streamTimeMs: Int64 { inputSamples * Self.millisecondsPerSecond / Int64(sampleRate) }

    /// Feeds encoded bytes; a trailing partial sample is ignored. Calls `onOutput` with each beep found, each
    /// beep-like tone rejected and each tone scored, in stream order, before returning.
    public mutating func process(_ bytes: UnsafeRawBufferPointer, onOutput: (BeepDetector.Output) -> Void) {
        let width = encoding.bytesPerSample
        var offset = 0
        let usable = bytes.count - bytes.count % width
        while offset < usable {
            let take = min(Self.chunk * width, usable - offset)
            let count = take / width
            decoded.withUnsafeMutableBufferPointer { out in
                _ = G711.decode(
                    UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]),
                    encoding: encoding,
                    into: UnsafeMutableBufferPointer(rebasing: out[0..<count])
                )
            }
            run(count: count, onOutput: onOutput)
            offset += take
        }
    }

    /// Feeds linear samples at the input rate.
    public mutating func process(samples: UnsafeBufferPointer<Int16>, onOutput: (BeepDetector.Output) -> Void) {
        var offset = 0
        while offset < samples.count {
            let count = min(Self.chunk, samples.count - offset)
            for i in 0..<count { decoded[i] = samples[offset + i] }
            run(count: count, onOutput: onOutput)
            offset += count
        }
    }

    /// Advances stream time by `sampleCount` input samples of silence (lost packets, comfort noise, gaps).
    public mutating func processSilence(sampleCount: Int, onOutput: (BeepDetector.Output) -> Void) {
        var left = max(0, sampleCount)
        while left > 0 {
            let count = min(Self.chunk, left)
            for i in 0..<count { decoded[i] = 0 }
            run(count: count, onOutput: onOutput)
            left -= count
        }
    }

    /// Ends the stream: reports an undecided call as `unknown` and a machine whose greeting had not ended as ending
    /// with `other`. Call once, after the last audio.
    public mutating func finish(onOutput: (BeepDetector.Output) -> Void) {
        let delay = delayMs
        detector.finish { onOutput($0.movingOnset(earlierByMs: delay)) }
    }

    /// Sets this call's no-beep timeout, in ms: a registration may ask for its own.
    /// - Throws: ``ModelError`` outside ``AnswerClassifier/Configuration/noBeepTimeoutRangeMs``.
    public mutating func setNoBeepTimeout(ms: Int) throws(ModelError) {
        try detector.setNoBeepTimeout(ms: ms)
    }

    private mutating func run(count: Int, onOutput: (BeepDetector.Output) -> Void) {
        inputSamples += Int64(count)
        let produced = decoded.withUnsafeBufferPointer { input in
            resampled.withUnsafeMutableBufferPointer { output in
                resampler.process(UnsafeBufferPointer(rebasing: input[0..<count]), into: output)
            }
        }
        let delay = delayMs
        var found = 0
        resampled.withUnsafeBufferPointer { resampled in
            detector.process(UnsafeBufferPointer(rebasing: resampled[0..<produced])) { output in
                // Output sample n holds the input's sound at n − delay, but was produced once input n was in: the
                // onset moves back by the delay, the decision time does not.
                if case .beep = output { found += 1 }
                onOutput(output.movingOnset(earlierByMs: delay))
            }
        }
        beepCount += found
    }
}
