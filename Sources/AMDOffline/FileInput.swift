public import AMDCore
public import AudioFile
import FoundationEssentials

/// How `detect` should read a file.
public enum FileFormat: String, Sendable, CaseIterable {
    /// WAV for `.wav` (and anything with a RIFF header), pcap for captures, by content.
    case auto
    /// A RIFF/WAVE file.
    case wav
    /// Headerless G.711 µ-law.
    case mulaw
    /// Headerless G.711 A-law.
    case alaw
    /// Headerless 16-bit little-endian linear PCM.
    case s16le
}

/// Reading files for the offline commands.
public enum FileInput {
    /// Reads a whole file.
    /// - Throws: ``OfflineError/unreadable(path:reason:)``.
    public static func read(_ path: String) throws(OfflineError) -> [UInt8] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory else { throw .unreadable(path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }

    /// Whether the bytes start like a pcap or pcapng capture.
    public static func looksLikeCapture(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return [0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1, 0x0A0D_0D0A].contains(magic)
    }

    /// Reads an audio file as a clip, by `format` (raw formats need `rate`).
    /// - Throws: ``OfflineError`` naming the file and the fault.
    public static func clip(
        path: String, bytes: [UInt8], format: FileFormat, rate: Int?
    ) throws(OfflineError)
        -> AudioClip
    {
        do {
            switch format {
            case .auto, .wav: return try AudioClip(wav: bytes)
            case .mulaw: return try AudioClip(raw: bytes, encoding: .muLaw, sampleRate: rate ?? 8000)
            case .alaw: return try AudioClip(raw: bytes, encoding: .aLaw, sampleRate: rate ?? 8000)
            case .s16le: return try AudioClip(raw: bytes, encoding: .linear16, sampleRate: rate ?? 16000)
            }
        } catch {
            throw .badAudio(path: path, error)
        }
    }

    /// Reads and validates a model file.
    public static func model(path: String) throws(OfflineError) -> BeepModel {
        let bytes = try read(path)
        do {
            return try BeepModel(json: Data(bytes))
        } catch {
            throw .badModel(path: path, error)
        }
    }
}
