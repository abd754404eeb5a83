// Detector speed and identity harness: runs StreamDetector over every call of a manifest (20 ms packets, as
// `amd-edge eval` feeds them) and prints every output (beeps, rejected tones, scored tones) as a line, then one
// SPEED line: audio seconds over the thread's CPU seconds spent in the detector (file reading excluded).
//
// detector_speed.sh compiles it in one module with AMDCore's and AudioFile's sources (swiftc -O -wmo), once per
// source tree, so two trees are compared without SwiftPM release builds, and their outputs can be diffed.
//
// Usage: detector_speed MANIFEST [REPEATS] [--quiet]
import Glibc

/// The bytes of the file at `path`.
func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    var bytes = [UInt8](repeating: 0, count: size)
    _ = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
    return bytes
}

/// CPU time of this thread, in seconds.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    fputs("usage: detector_speed MANIFEST [REPEATS] [--quiet]\n", stderr)
    exit(2)
}
let manifest = arguments[1]
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let quiet = arguments.contains("--quiet")
let folder = manifest.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")

// The "file" of each JSON line, relative to the manifest's folder unless absolute.
var files: [String] = []
for line in String(decoding: readFile(manifest), as: UTF8.self).split(separator: "\n") {
    let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
    guard let key = parts.firstIndex(of: "file"), key + 2 < parts.count else { continue }
    let file = String(parts[key + 2])
    files.append(file.hasPrefix("/") ? file : folder + "/" + file)
}
let clips = files.map { try! AudioClip(wav: readFile($0)) }

var cpuSeconds = 0.0
var audioSeconds = 0.0
for _ in 0..<repeats {
    for (index, clip) in clips.enumerated() {
        var outputs: [BeepDetector.Output] = []
        outputs.reserveCapacity(256)
        let start = threadCPUSeconds()
        var pipeline = try! StreamDetector(encoding: clip.encoding, sampleRate: clip.sampleRate)
        clip.data.withUnsafeBytes { bytes in
            let step = clip.sampleRate / 50 * clip.encoding.bytesPerSample
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                pipeline.process(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { outputs.append($0) }
                offset = end
            }
        }
        cpuSeconds += threadCPUSeconds() - start
        audioSeconds += Double(clip.sampleCount) / Double(clip.sampleRate)
        if !quiet { for output in outputs { print(files[index], output) } }
    }
}
print("SPEED", Int(audioSeconds / cpuSeconds), "x real time:", cpuSeconds, "CPU s for", audioSeconds, "audio s")
