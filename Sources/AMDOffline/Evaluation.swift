public import AMDCore
import AudioFile
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scores the detector on a labelled manifest with the corpus's rules.
///
/// On a `machine_beep` call the first beep event decides: before the true onset is an early false alarm; within
/// [onset, end + 2 s] a hit (latency = detection − true onset); later or none a miss. Any beep on a call of another
/// kind is a false alarm.
public struct Evaluation: Sendable {
    /// The outcome of one call.
    public enum Outcome: String, Sendable, Hashable {
        /// The first beep fell inside the beep's window.
        case hit
        /// The first beep came before the true onset.
        case early
        /// No beep, or only after the window.
        case miss
        /// A beep on a call without one.
        case falseAlarm = "false_alarm"
        /// No beep on a call without one.
        case correctReject = "correct_reject"
    }

    /// One call's result.
    public struct CallResult: Sendable {
        /// The manifest entry.
        public var entry: ManifestEntry
        /// What happened.
        public var outcome: Outcome
        /// The first beep, if any.
        public var first: BeepEvent?
        /// Detection latency of a hit, in ms.
        public var latencyMs: Int64?
        /// Distance from the detected frequency to the nearest true one, for a hit, in Hz.
        public var frequencyErrorHz: Double?
        /// Audio length, in seconds.
        public var audioSeconds: Double
        /// The steady tones the detector judged on the call, in order.
        public var candidates: [TrackCandidate] = []
        /// Who the detector decided answered the call.
        public var answer: AnswerDecision?
        /// How the detector decided a machine's greeting ended.
        public var machineEnd: MachineEnd?
    }

    /// Per-call results, in manifest order.
    public private(set) var results: [CallResult] = []
    /// Calls that could not be read, with the reason.
    public private(set) var failures: [String] = []
    /// CPU time spent in the detector, in seconds.
    public private(set) var cpuSeconds = 0.0

    /// Runs every call of the manifest at `path` through a fresh pipeline with `model`.
    public static func run(manifest path: String, model: ValidatedModel) throws(OfflineError) -> Evaluation {
        let entries = try ManifestEntry.load(path: path)
        var evaluation = Evaluation()
        for entry in entries {
            let file = FileInput.path(entry.file, listedIn: path)
            do {
                let clip = try FileInput.clip(path: file, bytes: try FileInput.read(file), format: .auto, rate: nil)
                let start = Self.threadCPUSeconds()
                let events: [BeepEvent]
                var candidates: [TrackCandidate] = []
                var answer: AnswerDecision?
                var machineEnd: MachineEnd?
                do {
                    events = try ClipDetector.run(clip, model: model) { output in
                        if let candidate = output.candidate { candidates.append(candidate) }
                        if let decision = output.answer { answer = decision }
                        if let end = output.machineEnd { machineEnd = end }
                    }
                } catch {
                    throw OfflineError.pipeline(path: file, error)
                }
                evaluation.cpuSeconds += Self.threadCPUSeconds() - start
                var result = Self.score(entry, events: events, seconds: Double(clip.durationMs) / 1000)
                result.candidates = candidates
                result.answer = answer
                result.machineEnd = machineEnd
                evaluation.results.append(result)
            } catch let error as OfflineError {
                evaluation.failures.append(error.description)
            } catch {
                evaluation.failures.append("\(file): \(error)")
            }
        }
        return evaluation
    }

    /// Scores one call's events against its label.
    public static func score(_ entry: ManifestEntry, events: [BeepEvent], seconds: Double) -> CallResult {
        let first = events.first
        guard entry.hasBeep, let onset = entry.beepOnsetS, let end = entry.beepEndS else {
            return CallResult(
                entry: entry,
                outcome: first == nil ? .correctReject : .falseAlarm,
                first: first,
                audioSeconds: seconds
            )
        }
        guard let first else { return CallResult(entry: entry, outcome: .miss, audioSeconds: seconds) }
        let onsetMs = Int64((onset * 1000).rounded())
        // Both window edges in whole ms: `(end + 2) * 1000` in floating point can fall just below the exact edge
        // (end 2.001 s gives 4000.9999…), which would turn a detection at the edge into a miss.
        let lastMs = Int64(((end + 2) * 1000).rounded())
        let detected = first.detectedMs
        if detected < onsetMs {
            return CallResult(entry: entry, outcome: .early, first: first, audioSeconds: seconds)
        }
        if detected > lastMs {
            return CallResult(entry: entry, outcome: .miss, first: first, audioSeconds: seconds)
        }
        let error = (entry.beepFreqsHz ?? []).map { abs($0 - first.frequencyHz) }.min()
        return CallResult(
            entry: entry,
            outcome: .hit,
            first: first,
            latencyMs: detected - onsetMs,
            frequencyErrorHz: error,
            audioSeconds: seconds
        )
    }

    /// One JSON line per judged tone track of every call: the call's id and kind, whether the track is the labelled
    /// beep (its onset within 100 ms before the true onset to the beep's end), and its measurements, for
    /// `tools/train_track_classifier.py`.
    public var trackLines: [String] {
        var lines: [String] = []
        for result in results {
            for candidate in result.candidates {
                var json = JSONLine()
                json.add("id", result.entry.id ?? result.entry.file)
                json.add("kind", result.entry.kind)
                json.add("onset_ms", candidate.onsetMs)
                json.add("at_ms", candidate.atMs)
                json.add("frequency_hz", candidate.frequencyHz, decimals: 1)
                var isBeep = false
                if result.entry.hasBeep, let onset = result.entry.beepOnsetS, let end = result.entry.beepEndS {
                    let seconds = Double(candidate.onsetMs) / 1000
                    isBeep = seconds >= onset - 0.1 && seconds <= end
                }
                json.addRaw("beep", isBeep ? "true" : "false")
                let m = candidate.measurements
                for feature in TrackClassifier.Feature.allCases {
                    json.add(feature.rawValue, m[feature], decimals: 5)
                }
                lines.append(json.line)
            }
        }
        return lines
    }

    /// CPU time of the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
