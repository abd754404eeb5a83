public import AMDCore
public import AudioFile
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a ``BeepModel`` from labelled audio: the detector's own front end turns each clip into feature vectors,
/// and a Gaussian NB is fitted on them.
///
/// Vectors are taken every `stride` frames once the context is full. Clips of a tonal class (`beep`, `tone`)
/// contribute only windows whose frames are all tonal, since the detector only asks the classifier about tones;
/// clips of the other classes contribute windows that are mostly voiced (or any window for `noise`).
public struct Trainer: Sendable {
    /// One labelled clip.
    public struct Item: Sendable, Hashable {
        /// Audio file path.
        public var path: String
        /// Class label.
        public var label: String

        /// Creates an item.
        public init(path: String, label: String) {
            self.path = path
            self.label = label
        }
    }

    /// The feature specification to train for.
    public var specification: FeatureSpecification
    /// Classes that count as a tone.
    public var tonalClasses: [String]
    /// Frames between two vectors taken from one clip.
    public var stride = 3
    /// scikit-learn's `var_smoothing`.
    public var varSmoothing = 1e-9
    /// Share of tonal-class training vectors the threshold lets through (the rest set it).
    public var tonalAcceptance = 0.995

    /// Creates a trainer.
    public init(specification: FeatureSpecification, tonalClasses: [String]) {
        self.specification = specification
        self.tonalClasses = tonalClasses
    }

    /// Lists `<folder>/<label>/*.wav` (a folder per label).
    public static func items(inFolder folder: String) throws(OfflineError) -> [Item] {
        let manager = FileManager.default
        guard let labels = try? manager.contentsOfDirectory(atPath: folder) else {
            throw .unreadable(path: folder, reason: "not a readable folder")
        }
        var items: [Item] = []
        for label in labels.sorted() {
            let sub = FileInput.path(label, inFolder: folder)
            var isDirectory = false
            guard manager.fileExists(atPath: sub, isDirectory: &isDirectory), isDirectory,
                let files = try? manager.contentsOfDirectory(atPath: sub)
            else { continue }
            for file in files.sorted() where file.lowercased().hasSuffix(".wav") {
                items.append(Item(path: FileInput.path(file, inFolder: sub), label: label))
            }
        }
        return items
    }

    /// Reads a list of `file,label` rows (CSV with a header naming `file` and `label` columns) or JSON Lines
    /// objects with `file` and `label`; relative paths are relative to the list's folder.
    public static func items(inList path: String) throws(OfflineError) -> [Item] {
        let text = String(decoding: try FileInput.read(path), as: UTF8.self)
        func resolve(_ file: String) -> String { FileInput.path(file, listedIn: path) }
        var items: [Item] = []
        // Split on any line break: "\r\n" is a single Character in Swift and would not match "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingWhitespace()
        }
        if path.lowercased().hasSuffix(".jsonl") || lines.first?.hasPrefix("{") == true {
            for (index, line) in lines.enumerated() where !line.isEmpty {
                guard let row = try? JSONDecoder().decode(ListRow.self, from: Data(line.utf8))
                else { throw .badManifest(path: path, line: index + 1, reason: "expected {\"file\":…,\"label\":…}") }
                items.append(Item(path: resolve(row.file), label: row.label))
            }
            return items
        }
        guard let header = lines.first?.split(separator: ",").map(String.init),
            let fileColumn = header.firstIndex(of: "file"), let labelColumn = header.firstIndex(of: "label")
        else { throw .badManifest(path: path, line: 1, reason: "CSV header must name 'file' and 'label' columns") }
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(fileColumn, labelColumn) else {
                throw .badManifest(path: path, line: index + 1, reason: "expected \(header.count) columns")
            }
            items.append(Item(path: resolve(fields[fileColumn]), label: fields[labelColumn]))
        }
        return items
    }

    /// The feature vectors of one clip, as the detector would see them.
    public func vectors(for clip: AudioClip, label: String) throws(OfflineError) -> [[Double]] {
        var analyzer: FrameAnalyzer
        do {
            analyzer = try FrameAnalyzer(specification: specification, thresholds: ToneAnalyzer.Thresholds())
        } catch {
            throw .badModel(path: "features", error)
        }
        analyzer.holdOpen = true
        let samples = try Self.samples16k(clip, rate: specification.mfcc.sampleRate)
        let context = specification.contextFrames
        var tonal = [Bool](repeating: false, count: context)
        var voiced = [Bool](repeating: false, count: context)
        var slot = 0
        var vectors: [[Double]] = []
        var vector = [Double](repeating: 0, count: specification.dimension)
        let isTonalClass = tonalClasses.contains(label)
        for sample in samples where analyzer.push(sample) {
            tonal[slot] = analyzer.tone.isTonal
            voiced[slot] = analyzer.voiced
            slot = (slot + 1) % context
            guard analyzer.contextCount == context, analyzer.frameIndex % Int64(stride) == 0 else { continue }
            // The classifier is only asked about tones, so the other classes are taught with what looks most like
            // one: windows of mostly tonal frames (a voice's held harmonic, a musical note), or voiced windows.
            let tonalCount = tonal.filter { $0 }.count
            let keep: Bool
            if isTonalClass {
                keep = tonalCount == context
            } else if label == "noise" {
                keep = true
            } else {
                keep = tonalCount * 2 >= context || voiced.filter { $0 }.count * 4 >= 3 * context
            }
            guard keep else { continue }
            vector.withUnsafeMutableBufferPointer { analyzer.contextFeatures(into: $0) }
            vectors.append(vector)
        }
        return vectors
    }

    /// Trains on `items`; `log` receives progress lines.
    public func train(
        _ items: [Item], command: String, log: (String) -> Void = { _ in }
    ) throws(OfflineError)
        -> BeepModel
    {
        var features: [[Double]] = []
        var labels: [String] = []
        var counts: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let clip = try FileInput.clip(
                path: item.path, bytes: try FileInput.read(item.path), format: .auto, rate: nil)
            let vectors = try vectors(for: clip, label: item.label)
            features += vectors
            labels += Array(repeating: item.label, count: vectors.count)
            counts[item.label, default: 0] += vectors.count
            if (index + 1) % 500 == 0 { log("read \(index + 1)/\(items.count) clips") }
        }
        log("vectors per class: \(counts.sorted { $0.key < $1.key })")
        let classifier: GaussianNB
        do {
            classifier = try GaussianNB.fit(features: features, labels: labels, varSmoothing: varSmoothing)
        } catch {
            throw .badModel(path: "training data", error)
        }
        for name in tonalClasses where !classifier.classes.contains(name) {
            throw .badModel(path: "training data", .invalidTrainingData("no vectors of tonal class '\(name)'"))
        }
        // The threshold lets `tonalAcceptance` of the tonal-class training vectors through.
        var model = BeepModel(
            features: specification,
            classifier: classifier,
            tonalClasses: tonalClasses,
            minTonalLogOdds: 0,
            training: [
                "command": command,
                "vectors": counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                "clips": String(items.count),
            ]
        )
        var odds: [Double] = []
        let mask = classifier.classes.map { tonalClasses.contains($0) }
        for (vector, label) in zip(features, labels) where tonalClasses.contains(label) {
            let logP = classifier.predictLogProba(vector)
            var tonal = -Double.infinity
            var other = -Double.infinity
            for (i, value) in logP.enumerated() {
                if mask[i] { tonal = Self.logAdd(tonal, value) } else { other = Self.logAdd(other, value) }
            }
            odds.append(tonal - other)
        }
        odds.sort()
        let index = min(odds.count - 1, max(0, Int(Double(odds.count) * (1 - tonalAcceptance))))
        model.minTonalLogOdds = odds.isEmpty ? 0 : min(0, max(-1000, odds[index]))
        log(
            "tonal log-odds that lets \(tonalAcceptance * 100)% of tonal training vectors through: \(model.minTonalLogOdds)"
        )
        return model
    }

    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let high = max(a, b)
        return high + log(exp(a - high) + exp(b - high))
    }

    /// Decodes a clip and resamples it to `rate`.
    static func samples16k(_ clip: AudioClip, rate: Int) throws(OfflineError) -> [Int16] {
        var decoded = [Int16](repeating: 0, count: clip.sampleCount)
        let count = clip.data.withUnsafeBytes { bytes in
            decoded.withUnsafeMutableBufferPointer { G711.decode(bytes, encoding: clip.encoding, into: $0) }
        }
        decoded.removeLast(decoded.count - min(count, decoded.count))
        var resampler: Resampler
        do {
            resampler = try Resampler(inputRate: clip.sampleRate, outputRate: rate)
        } catch {
            throw .pipeline(path: "clip", .unsupportedSampleRate(clip.sampleRate))
        }
        var output = [Int16](repeating: 0, count: resampler.maxOutputCount(forInputCount: decoded.count))
        let produced = decoded.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { resampler.process(input, into: $0) }
        }
        return Array(output[0..<produced])
    }
}

/// One JSON Lines row of a training list: `{"file": …, "label": …}`; other keys are ignored.
private struct ListRow: Decodable {
    /// Audio path, relative to the list's folder unless absolute.
    var file: String
    /// The class the file belongs to.
    var label: String
}
