// Heap held per call by the detector pipeline (StreamDetector: G.711 decode, resampler, BeepDetector), measured with
// glibc's malloc statistics around creating N detectors and feeding each the same call; tools/bench/footprint.sh
// compiles it against the AMDCore objects of a release build. Prints one line of key=value figures.
//
// Usage: detector_footprint AUDIO.ul [N]   (AUDIO.ul: raw G.711 µ-law at 8 kHz). CMalloc is a module map over
// <malloc.h> that footprint.sh writes next to the build.
import AMDCore
import CMalloc
import Glibc

/// Bytes the program holds in malloc'ed blocks now (glibc's in-use total, all arenas).
func heapInUse() -> Int { Int(mallinfo2().uordblks) }

let arguments = CommandLine.arguments
guard arguments.count >= 2, let file = fopen(arguments[1], "rb") else {
    fputs("usage: detector_footprint AUDIO.ul [N]\n", stderr)
    exit(2)
}
let count = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
var audio: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65536)
while true {
    let read = fread(&chunk, 1, chunk.count, file)
    if read <= 0 { break }
    audio += chunk[0..<read]
}
fclose(file)

let packetBytes = 160  // 20 ms of 8 kHz µ-law, as RTP brings it
/// Feeds the whole call to `detector` packet by packet; returns the beeps it reported.
func feed(_ detector: inout StreamDetector) -> Int {
    var beeps = 0
    audio.withUnsafeBytes { bytes in
        var offset = 0
        while offset + packetBytes <= bytes.count {
            let packet = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + packetBytes)])
            detector.process(packet) { _ in beeps += 1 }
            offset += packetBytes
        }
    }
    return beeps
}

/// Heap bytes one value made by `make` holds, averaged over `count` values kept alive together.
func heapBytes<T>(_ count: Int, _ make: () throws -> T) rethrows -> Int {
    var kept: [T] = []
    kept.reserveCapacity(count)
    let before = heapInUse()
    for _ in 0..<count { kept.append(try make()) }
    let after = heapInUse()
    return withExtendedLifetime(kept) { (after - before) / count }
}

// The shared model and any lazily built tables are made by the first detector, outside the measurement.
var warm = try StreamDetector(encoding: .muLaw, sampleRate: 8000)
_ = feed(&warm)

var detectors: [StreamDetector] = []
detectors.reserveCapacity(count)
let before = heapInUse()
for _ in 0..<count { detectors.append(try StreamDetector(encoding: .muLaw, sampleRate: 8000)) }
let created = heapInUse()
var beeps = 0
for index in detectors.indices { beeps += feed(&detectors[index]) }
let fed = heapInUse()
let model = BeepModel.default
let mfccConfiguration = model.features.mfcc
let parts = [
    "resampler_8k_16k=\(try heapBytes(count) { try Resampler(inputRate: 8000, outputRate: 16_000) })",
    "beep_detector=\(try heapBytes(count) { try BeepDetector(model: model) })",
    "frame_analyzer=\(try heapBytes(count) { try FrameAnalyzer(specification: model.features, thresholds: .init()) })",
    "mfcc=\(try heapBytes(count) { try MFCC(configuration: mfccConfiguration) })",
    "fft_\(mfccConfiguration.nFFT)=\(try heapBytes(count) { try RealFFT(size: mfccConfiguration.nFFT) })",
    "fft_2048=\(try heapBytes(count) { try RealFFT(size: 2048) })",
]
print("heap bytes per part: " + parts.joined(separator: " "))
print("detectors=\(count) inline_bytes=\(MemoryLayout<StreamDetector>.stride)"
    + " heap_bytes_per_detector_new=\((created - before) / count)"
    + " heap_bytes_per_detector_after_call=\((fed - before) / count)"
    + " beeps=\(beeps) audio_seconds=\(audio.count / 8000)")
