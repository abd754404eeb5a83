import Foundation
import Testing

/// The repository root, found from this file's path (Tests/AMDOfflineTests/TestSupport.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `Samples/voicemail-beep.wav`: a µ-law voicemail greeting whose beep starts about 9066 ms in.
let samplePath = repositoryRoot.appendingPathComponent("Samples/voicemail-beep.wav").path

/// A fixture from Tests/AMDOfflineTests/Fixtures, as a path.
func fixturePath(_ name: String) throws -> String {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
        "fixture \(name) is not in the test bundle"
    )
    return url.path
}

/// A fresh folder under the system's temporary directory; `body` runs with its path, then the folder is removed.
@discardableResult
func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("amd-edge-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
}

/// Writes `text` to `folder/name` (creating subfolders) and returns the path.
@discardableResult
func write(_ text: String, to name: String, in folder: String) throws -> String {
    try write(Array(text.utf8), to: name, in: folder)
}

/// Writes `bytes` to `folder/name` (creating subfolders) and returns the path.
@discardableResult
func write(_ bytes: [UInt8], to name: String, in folder: String) throws -> String {
    let path = (folder as NSString).appendingPathComponent(name)
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Synthesized test signals: deterministic, so every run sees the same samples.
enum Signal {
    /// A sine tone of `frequencyHz` at `amplitude` (0…1 of full scale).
    static func tone(_ frequencyHz: Double, seconds: Double, rate: Int = 16000, amplitude: Double = 0.3) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map {
            Int16(amplitude * 32767 * sin(2 * Double.pi * frequencyHz * Double($0) / Double(rate)))
        }
    }

    /// White noise from a fixed-seed linear congruential generator, uniform in ±`amplitude` of full scale.
    static func noise(seconds: Double, rate: Int = 16000, amplitude: Double = 0.3, seed: UInt64 = 1) -> [Int16] {
        var state = seed
        return (0..<Int(seconds * Double(rate))).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)  // 0..<1
            return Int16(amplitude * 32767 * (2 * unit - 1))
        }
    }

    /// A speech-like buzz: a 110–150 Hz glottal fundamental with falling harmonics, a vibrato and syllable-rate
    /// (4 Hz) loudness changes.
    static func buzz(seconds: Double, rate: Int = 16000, amplitude: Double = 0.3, baseHz: Double = 120) -> [Int16] {
        var phase = 0.0
        return (0..<Int(seconds * Double(rate))).map { n in
            let t = Double(n) / Double(rate)
            let f0 = baseHz + 25 * sin(2 * Double.pi * 3 * t)
            phase += 2 * Double.pi * f0 / Double(rate)
            var value = 0.0
            for harmonic in 1...20 { value += sin(Double(harmonic) * phase) / Double(harmonic) }
            let syllable = 0.55 + 0.45 * sin(2 * Double.pi * 4 * t)
            return Int16(max(-32767, min(32767, amplitude * 32767 * 0.5 * value * syllable)))
        }
    }

    /// Silence.
    static func silence(seconds: Double, rate: Int = 16000) -> [Int16] {
        [Int16](repeating: 0, count: Int(seconds * Double(rate)))
    }
}

/// A 16-bit PCM mono WAV file of `samples`.
func wavFile(_ samples: [Int16], rate: Int = 16000) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16((v >> 16) & 0xFFFF) }
    let data = samples.flatMap { u16(Int(UInt16(bitPattern: $0))) }
    let fmt = u16(1) + u16(1) + u32(rate) + u32(rate * 2) + u16(2) + u16(16)
    let body = Array("WAVEfmt ".utf8) + u32(fmt.count) + fmt + Array("data".utf8) + u32(data.count) + data
    return Array("RIFF".utf8) + u32(body.count) + body
}

/// The keys of a flat JSON object line, in the order they appear.
func keys(ofJSONLine line: String) -> [String] {
    // The lines under test hold no nested objects and no quotes inside values other than escaped ones.
    var keys: [String] = []
    var scanner = line.unicodeScalars.makeIterator()
    var inString = false
    var escaped = false
    var current = ""
    var expectingKey = true
    while let c = scanner.next() {
        if inString {
            if escaped {
                escaped = false
                current.unicodeScalars.append(c)
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                inString = false
                if expectingKey { keys.append(current) }
            } else {
                current.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            inString = true
            current = ""
        } else if c == ":" {
            expectingKey = false
        } else if c == "," || c == "{" {
            expectingKey = true
        }
    }
    return keys
}

/// Parses a JSON object line.
func object(_ line: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(line)")
}
