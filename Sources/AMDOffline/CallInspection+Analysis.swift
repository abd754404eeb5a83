import AMDCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CallInspection {
    /// Spectrogram hop: 10 ms, the detector's frame step.
    static let hopMs = 10
    /// Spectrogram window: about 32 ms (256 samples at 8 kHz, 512 at 16 kHz), fine enough to tell a beep's
    /// frequency within 31 Hz.
    static let windowMs = 32
    /// The spectrogram's top frequency at most, in Hz: the detector's band.
    static let maxTopFrequencyHz = 8000.0
    /// Columns drawn at most; longer calls take the loudest of neighbouring 10 ms columns.
    static let maxColumns = 1500
    /// The level given to silence (digital zero), in dBFS.
    static let floorDbfs: Float = -120

    /// The power spectrogram of `samples` in dBFS (a full-scale sine peaks at 0), Hann-windowed, 10 ms hop, from
    /// 0 Hz up to ``maxTopFrequencyHz`` or half the rate.
    static func spectrogram(
        samples: [Int16], sampleRate: Int
    )
        -> (columns: [[Float]], columnMs: Int, rows: Int, topHz: Double)
    {
        var size = 16
        while size < sampleRate * windowMs / 1000 { size *= 2 }
        // RealFFT takes every power of two in its range; 16 ≤ size ≤ 8192 for the rates audio files carry.
        guard var fft = try? RealFFT(size: min(size, RealFFT.supportedSizes.upperBound)) else {
            return ([], hopMs, 0, 0)
        }
        size = fft.size
        let binHz = Double(sampleRate) / Double(size)
        let topHz = min(Double(sampleRate) / 2, maxTopFrequencyHz)
        let rows = Int(topHz / binHz) + 1
        let hop = max(1, sampleRate * hopMs / 1000)
        let hopCount = samples.count / hop
        let merge = max(1, (hopCount + maxColumns - 1) / maxColumns)
        var window = [Float](repeating: 0, count: size)
        for n in 0..<size {
            let phase = 2 * Double.pi * Double(n) / Double(size)
            window[n] = Float(0.5 - 0.5 * cos(phase))
        }
        // A full-scale sine through the Hann window peaks at (size / 4)² in power.
        let fullScale = Float(size) / 4
        let reference = 10 * log10(fullScale * fullScale)
        var input = [Float](repeating: 0, count: size)
        var power = [Float](repeating: 0, count: fft.binCount)
        var columns: [[Float]] = []
        var column = [Float](repeating: floorDbfs, count: rows)
        for index in 0..<hopCount {
            // The window ends at the hop's end, as the detector's frames do.
            let end = (index + 1) * hop
            for n in 0..<size {
                let at = end - size + n
                input[n] = at >= 0 ? Float(samples[at]) / 32768 * window[n] : 0
            }
            input.withUnsafeBufferPointer { x in
                power.withUnsafeMutableBufferPointer { fft.powerSpectrum(x, into: $0) }
            }
            for row in 0..<rows {
                let level = power[row] > 0 ? 10 * log10(power[row]) - reference : floorDbfs
                column[row] = max(column[row], max(level, floorDbfs))
            }
            if (index + 1) % merge == 0 || index == hopCount - 1 {
                columns.append(column)
                column = [Float](repeating: floorDbfs, count: rows)
            }
        }
        return (columns, hopMs * merge, rows, Double(rows - 1) * binHz)
    }

    /// What the detector's front end made of each 10 ms frame: ``FrameAnalyzer`` on the samples resampled to the
    /// model's rate (silence from its VAD, tone from its tone rules), and the model's ``GaussianNB`` on the context
    /// window outside tones (speech, music or noise), as the detector classifies it.
    static func frameClasses(
        samples: [Int16], sampleRate: Int, model: BeepModel
    ) throws(StreamDetectorError)
        -> (classes: [FrameClass], frameMs: Int)
    {
        let rate = model.features.mfcc.sampleRate
        var resampler: Resampler
        var analyzer: FrameAnalyzer
        do {
            resampler = try Resampler(inputRate: sampleRate, outputRate: rate)
        } catch {
            throw .unsupportedSampleRate(sampleRate)
        }
        do {
            analyzer = try FrameAnalyzer(specification: model.features, thresholds: model.detector.tone)
        } catch {
            throw .model(error)
        }
        let classifier = model.classifier
        let labels: [FrameClass] = classifier.classes.map { name in
            switch name {
            case "music": .music
            case "noise": .noise
            case "beep", "tone": .tone
            default: .speech
            }
        }
        var features = [Double](repeating: 0, count: model.features.dimension)
        var posterior = [Double](repeating: 0, count: classifier.classCount)
        var heard = FrameClass.speech
        var classes: [FrameClass] = []
        var resampled = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: samples.count))
        let produced = samples.withUnsafeBufferPointer { input in
            resampled.withUnsafeMutableBufferPointer { resampler.process(input, into: $0) }
        }
        resampled.withUnsafeBufferPointer { all in
            let output = UnsafeBufferPointer(rebasing: all[0..<produced])
            var next = 0
            while next < output.count {
                let step = analyzer.push(output, from: next)
                next = step.next
                guard step.completed else { continue }
                if analyzer.tone.isTonal {
                    classes.append(.tone)
                    continue
                }
                if analyzer.analysed, analyzer.contextCount == model.features.contextFrames {
                    features.withUnsafeMutableBufferPointer { analyzer.contextFeatures(into: $0) }
                    features.withUnsafeBufferPointer { x in
                        posterior.withUnsafeMutableBufferPointer { classifier.predictLogProba(x, into: $0) }
                    }
                    let best = posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
                    // A context window outside tones that still looks tonal is a held note: shown as the
                    // voiced sound it is.
                    heard = labels[best] == .tone ? .speech : labels[best]
                }
                classes.append(analyzer.voiced ? heard : .silence)
            }
        }
        let frameMs = model.features.mfcc.hopLength * 1000 / rate
        return (classes, frameMs)
    }
}
