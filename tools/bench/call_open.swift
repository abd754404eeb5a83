// Call-open cost: the CPU time to set up one call's detector (StreamDetector for 8 kHz G.711, as RTP and ALSA open
// it; the websocket path differs only in the resampler's input rate), given the model two ways in the same run:
//   - `model:`     a plain BeepModel, validated in full (every NB parameter, every node of the track classifier's
//                  trees) by each detector, as every call paid before models were validated once per process;
//   - `validated:` a ValidatedModel, validated once at start, as the daemon and the offline commands now pass it.
// The two alternate for ROUNDS rounds of N opens each; the best round of each is kept (least disturbed by other jobs).
//
// call_open.sh compiles it in one module with AMDCore's sources (swiftc -O -wmo, as a release build compiles them).
//
// Usage: call_open [N] [ROUNDS]
import Glibc

/// CPU time of this thread, in seconds.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
let opens = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let microsecondsPerSecond = 1e6

let plain = BeepModel.default
let validated = ValidatedModel.default

/// Microseconds of CPU per call of `open`, over `opens` calls; each detector is kept until the round ends, as live
/// calls are, so freeing does not flatter either side.
func microsecondsPerOpen(_ open: () throws -> StreamDetector) rethrows -> Double {
    var kept: [StreamDetector] = []
    kept.reserveCapacity(opens)
    let start = threadCPUSeconds()
    for _ in 0..<opens { kept.append(try open()) }
    let seconds = threadCPUSeconds() - start
    return withExtendedLifetime(kept) { seconds * microsecondsPerSecond / Double(opens) }
}

/// Microseconds of CPU per full validation of the model alone.
func microsecondsPerValidation() throws -> Double {
    let start = threadCPUSeconds()
    for _ in 0..<opens { try plain.validate() }
    return (threadCPUSeconds() - start) * microsecondsPerSecond / Double(opens)
}

// Warm up: shared tables (FFT twiddles, mel filters) are built by the first detector, outside the measurement.
_ = try StreamDetector(encoding: .muLaw, sampleRate: 8000, validated: validated)

var bestPlain = Double.infinity
var bestValidated = Double.infinity
var bestValidation = Double.infinity
for round in 1...rounds {
    let perPlain = try microsecondsPerOpen { try StreamDetector(encoding: .muLaw, sampleRate: 8000, model: plain) }
    let perValidated = try microsecondsPerOpen {
        try StreamDetector(encoding: .muLaw, sampleRate: 8000, validated: validated)
    }
    let perValidation = try microsecondsPerValidation()
    print(
        "round \(round): model: \(perPlain) us/open, validated: \(perValidated) us/open,"
            + " validate alone \(perValidation) us")
    bestPlain = min(bestPlain, perPlain)
    bestValidated = min(bestValidated, perValidated)
    bestValidation = min(bestValidation, perValidation)
}
print(
    "best of \(rounds) x \(opens) opens: model: \(bestPlain) us/open, validated: \(bestValidated) us/open,"
        + " ratio \(bestPlain / bestValidated)x; validate alone \(bestValidation) us")
