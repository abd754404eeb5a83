/// One call's detection pipeline: decode (G.711 or linear), resample to the model's rate, detect beeps.
///
/// Every ingress (RTP, websocket, ALSA, files) feeds its audio through one of these, so the same audio yields the
/// same events whatever carried it. Event times are stream milliseconds at the input, corrected for the
/// resampler's delay. State has a fixed size set at creation (buffers for `maxChunkSamples` input samples; longer
/// chunks are cut into pieces); nothing grows with call length.
public struct StreamDetector: Sendable {
    /// The encoding of the bytes given to ``process(_:onEvent:onRejection:)``.
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
    private static let chunk = 1024

    /// Creates a pipeline for a stream.
    /// - Parameters:
    ///   - encoding: how the bytes are encoded.
    ///   - sampleRate: the input rate in Hz (8000 for G.711; 8000 to 48000 for linear PCM).
    ///   - model: the detector's model (``BeepModel/default`` unless given).
    public init(encoding: AudioEncoding, sampleRate: Int, model: BeepModel = .default) throws(StreamDetectorError) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        let outputRate = model.features.mfcc.sampleRate
        do {
            resampler = try Resampler(inputRate: sampleRate, outputRate: outputRate)
        } catch {
            throw .unsupportedSampleRate(sampleRate)
        }
        do {
            detector = try BeepDetector(model: model)
        } catch {
            throw .model(error)
        }
        decoded = [Int16](repeating: 0, count: Self.chunk)
        resampled = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: Self.chunk))
        delayMs = Int64(resampler.delay) * 1000 / Int64(outputRate)
    }

    /// Stream time consumed so far, in milliseconds.
    public var streamTimeMs: Int64 { inputSamples * 1000 / Int64(sampleRate) }

    /// Feeds encoded bytes; a trailing partial sample is ignored. Calls `onEvent` for each beep found and
    /// `onRejection` for each beep-like tone rejected.
    public mutating func process(
        _ bytes: UnsafeRawBufferPointer,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void = { _ in },
        onCandidate: (TrackCandidate) -> Void = { _ in }
    ) {
        let width = encoding.bytesPerSample
        var offset = 0
        let usable = bytes.count - bytes.count % width
        while offset < usable {
            let take = min(Self.chunk * width, usable - offset)
            let count = take / width
            decoded.withUnsafeMutableBufferPointer { out in
                G711.decode(
                    UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]),
                    encoding: encoding,
                    into: UnsafeMutableBufferPointer(rebasing: out[0..<count])
                )
            }
            run(count: count, onEvent: onEvent, onRejection: onRejection, onCandidate: onCandidate)
            offset += take
        }
    }

    /// Feeds linear samples at the input rate.
    public mutating func process(
        samples: UnsafeBufferPointer<Int16>,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void = { _ in },
        onCandidate: (TrackCandidate) -> Void = { _ in }
    ) {
        var offset = 0
        while offset < samples.count {
            let count = min(Self.chunk, samples.count - offset)
            for i in 0..<count { decoded[i] = samples[offset + i] }
            run(count: count, onEvent: onEvent, onRejection: onRejection, onCandidate: onCandidate)
            offset += count
        }
    }

    /// Advances stream time by `sampleCount` input samples of silence (lost packets, comfort noise, gaps).
    public mutating func processSilence(
        sampleCount: Int,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void = { _ in },
        onCandidate: (TrackCandidate) -> Void = { _ in }
    ) {
        var left = max(0, sampleCount)
        while left > 0 {
            let count = min(Self.chunk, left)
            for i in 0..<count { decoded[i] = 0 }
            run(count: count, onEvent: onEvent, onRejection: onRejection, onCandidate: onCandidate)
            left -= count
        }
    }

    private mutating func run(
        count: Int,
        onEvent: (BeepEvent) -> Void,
        onRejection: (ToneRejection) -> Void,
        onCandidate: (TrackCandidate) -> Void
    ) {
        inputSamples += Int64(count)
        let produced = decoded.withUnsafeBufferPointer { input in
            resampled.withUnsafeMutableBufferPointer { output in
                resampler.process(UnsafeBufferPointer(rebasing: input[0..<count]), into: output)
            }
        }
        let delay = delayMs
        var found = 0
        resampled.withUnsafeBufferPointer { output in
            detector.process(
                UnsafeBufferPointer(rebasing: output[0..<produced]),
                onEvent: { event in
                    var corrected = event
                    corrected.onsetMs = max(0, event.onsetMs - delay)
                    // Output sample n holds the input's sound at n − delay, but was produced once input n was in:
                    // the onset moves back by the delay, the decision time does not.
                    found += 1
                    onEvent(corrected)
                },
                onRejection: { rejection in
                    var corrected = rejection
                    corrected.onsetMs = max(0, rejection.onsetMs - delay)
                    onRejection(corrected)
                },
                onCandidate: { candidate in
                    var corrected = candidate
                    corrected.onsetMs = max(0, candidate.onsetMs - delay)
                    onCandidate(corrected)
                }
            )
        }
        beepCount += found
    }
}
