import AMDCore
import Benchmark

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Each stage of the detector, one second of audio per iteration: the throughput metric (iterations per second) is
// then the speed in multiples of real time, samples per second are that times the stage's rate, and the malloc
// count per iteration is allocations per second of audio. The stages run in their steady state: created, warmed on
// the same audio, then measured, so the counts show what the per-frame path allocates (nothing, by design).

/// The detector's input rate (G.711), in Hz.
private let inputRate = 8000
/// The model's rate, in Hz.
private let modelRate = 16_000
/// Samples in one 20 ms packet at the input rate, as RTP brings them.
private let packetSamples = 160
/// The detector's hop (10 ms at 16 kHz), in samples.
private let hopSamples = 160
/// Frames in one second at the detector's hop.
private let framesPerSecond = modelRate / hopSamples

/// The sample call (G.711 µ-law, 8 kHz, a greeting then a beep) as raw µ-law bytes, read from the repository.
private func sampleCall() -> [UInt8] {
    let path = String(#filePath).split(separator: "/").dropLast(4).joined(separator: "/")
    let wav = readFile("/" + path + "/Samples/voicemail-beep.wav")
    // Find the "data" chunk of the RIFF file.
    var offset = 12
    while offset + 8 <= wav.count {
        let id = String(decoding: wav[offset..<(offset + 4)], as: UTF8.self)
        let size =
            Int(wav[offset + 4]) | Int(wav[offset + 5]) << 8 | Int(wav[offset + 6]) << 16
            | Int(wav[offset + 7]) << 24
        if id == "data" { return Array(wav[(offset + 8)..<min(wav.count, offset + 8 + size)]) }
        offset += 8 + size + size % 2
    }
    fatalError("no data chunk in the sample call")
}

private func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let read = fread(&chunk, 1, chunk.count, file)
        if read <= 0 { break }
        bytes += chunk[0..<read]
    }
    return bytes
}

/// `seconds` of the sample call, decoded and resampled to 16 kHz (the input of the stages after the resampler).
private func sampleCall16k(seconds: Int) throws -> [Int16] {
    let bytes = Array(sampleCall().prefix(seconds * inputRate))
    var decoded = [Int16](repeating: 0, count: bytes.count)
    bytes.withUnsafeBytes { raw in
        decoded.withUnsafeMutableBufferPointer { _ = G711.decode(raw, encoding: .muLaw, into: $0) }
    }
    var resampler = try Resampler(inputRate: inputRate, outputRate: modelRate)
    var output = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: decoded.count))
    let count = decoded.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { resampler.process(input, into: $0) }
    }
    return Array(output.prefix(count))
}

/// 16 kHz frames of the sample call scaled to ±1, `winLength` samples every hop, for the FFT and MFCC stages.
private func frames(winLength: Int, count: Int) throws -> [[Float]] {
    let samples = try sampleCall16k(seconds: 12)
    // Frames from the greeting and the beep (from 4 s), where the detector analyses; silence skips the FFT.
    let start = 4 * modelRate
    return (0..<count).map { frame in
        let offset = start + frame * hopSamples
        return (0..<winLength).map { Float(samples[offset + $0]) / 32768 }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .instructions],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    let call = sampleCall()

    // The harness's own mallocs per measured iteration, to subtract from the counts below.
    Benchmark("Control: empty iteration") { benchmark in
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations { blackHole(iteration) }
        benchmark.stopMeasurement()
    }
    let oneSecond = Array(call[(4 * inputRate)..<(5 * inputRate)])

    Benchmark("G711.decode µ-law, 1 s (8000 samples)") { benchmark in
        var output = [Int16](repeating: 0, count: inputRate)
        oneSecond.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    // In 20 ms packets, as StreamDetector decodes them.
                    var offset = 0
                    while offset < input.count {
                        let packet = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + packetSamples)])
                        let slice = UnsafeMutableBufferPointer(rebasing: out[offset..<(offset + packetSamples)])
                        blackHole(G711.decode(packet, encoding: .muLaw, into: slice))
                        offset += packetSamples
                    }
                }
                benchmark.stopMeasurement()
            }
        }
    }

    Benchmark("Resampler 8→16 kHz, 1 s (8000 samples in)") { benchmark in
        var resampler = try Resampler(inputRate: inputRate, outputRate: modelRate)
        var decoded = [Int16](repeating: 0, count: inputRate)
        oneSecond.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { _ = G711.decode(raw, encoding: .muLaw, into: $0) }
        }
        var output = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: packetSamples))
        func run() {
            decoded.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    var offset = 0
                    while offset < input.count {
                        let packet = UnsafeBufferPointer(rebasing: input[offset..<(offset + packetSamples)])
                        blackHole(resampler.process(packet, into: out))
                        offset += packetSamples
                    }
                }
            }
        }
        run()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { run() }
        benchmark.stopMeasurement()
    }

    Benchmark("VoiceActivityDetector, 1 s (100 frames of 10 ms at 16 kHz)") { benchmark in
        var vad = try VoiceActivityDetector(configuration: .init(frameMs: 10, sampleRate: modelRate))
        let samples = Array(try sampleCall16k(seconds: 6).suffix(modelRate))
        samples.withUnsafeBufferPointer { input in
            func run() {
                for frame in 0..<framesPerSecond {
                    let slice = UnsafeBufferPointer(rebasing: input[(frame * hopSamples)..<((frame + 1) * hopSamples)])
                    blackHole(vad.process(frame: slice))
                }
            }
            run()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { run() }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("RealFFT.powerSpectrum n=512, 1 s (100 frames)") { benchmark in
        var fft = try RealFFT(size: 512)
        let input = try frames(winLength: 512, count: framesPerSecond)
        var power = [Float](repeating: 0, count: fft.binCount)
        power.withUnsafeMutableBufferPointer { p in
            func run() {
                for frame in input { frame.withUnsafeBufferPointer { fft.powerSpectrum($0, into: p) } }
                blackHole(p[1])
            }
            run()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { run() }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("MFCC (window, FFT, mel, dB, DCT), 1 s (100 frames)") { benchmark in
        let model = BeepModel.default
        var mfcc = try MFCC(configuration: model.features.mfcc)
        let input = try frames(winLength: model.features.mfcc.winLength, count: framesPerSecond)
        func run() {
            for frame in input { frame.withUnsafeBufferPointer { mfcc.process(frame: $0) } }
            blackHole(mfcc.coefficients[0])
        }
        run()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { run() }
        benchmark.stopMeasurement()
    }

    Benchmark("GaussianNB.predictLogProba, 100 windows") { benchmark in
        let classifier = BeepModel.default.classifier
        let features = (0..<classifier.featureCount).map { Double($0 % 7) - 3 }
        var output = [Double](repeating: 0, count: classifier.classCount)
        features.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { out in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    for _ in 0..<framesPerSecond { classifier.predictLogProba(x, into: out) }
                    blackHole(out[0])
                }
                benchmark.stopMeasurement()
            }
        }
    }

    Benchmark("TrackClassifier.cappedLogit, 100 tones") { benchmark in
        guard let classifier = BeepModel.default.trackClassifier else { return }
        var measurements = TrackMeasurements()
        measurements.logFrequency = 6.9
        measurements.purity = 0.95
        measurements.spreadPermille = 3
        measurements.levelWobbleDb = 0.5
        measurements.voicedBefore = 0.6
        measurements.logGapBefore = 5.5
        measurements.mfccLogOdds = 4
        measurements.logSpeechWindows = 2
        measurements.logVoicedWindows = 2.5
        measurements.levelOverSpeechDb = 3
        measurements.jitterPermille = 2
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sum = 0.0
            for _ in 0..<framesPerSecond { sum += classifier.cappedLogit(measurements) }
            blackHole(sum)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("StreamDetector µ-law 8 kHz → decision, 1 s (50 packets)") { benchmark in
        // The whole sample call, looped: greeting, beep, silence, as a call brings them. One detector, warmed over
        // the whole call first, so the measurement is its steady state.
        var detector = try StreamDetector(encoding: .muLaw, sampleRate: inputRate)
        let seconds = call.count / inputRate
        var second = 0
        call.withUnsafeBytes { bytes in
            func feed(second: Int) {
                var offset = second * inputRate
                for _ in 0..<(inputRate / packetSamples) {
                    let packet = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + packetSamples)])
                    detector.process(packet) { blackHole($0) }
                    offset += packetSamples
                }
            }
            for s in 0..<seconds { feed(second: s) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                feed(second: second)
                second = (second + 1) % seconds
            }
            benchmark.stopMeasurement()
        }
    }
}
