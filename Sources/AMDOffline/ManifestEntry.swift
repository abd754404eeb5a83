import FoundationEssentials

/// One labelled call of an evaluation manifest (`manifest.jsonl`, one JSON object per line).
public struct ManifestEntry: Sendable, Hashable, Decodable {
    /// Call id.
    public var id: String?
    /// Audio path, relative to the manifest's folder.
    public var file: String
    /// `machine_beep`, `machine_nobeep`, `human`, or a non-beep tone kind (`dtmf`, `ringback`, …).
    public var kind: String
    /// Where the beep starts, in seconds; nil without a beep.
    public var beepOnsetS: Double?
    /// Where the (last part of the) beep ends, in seconds.
    public var beepEndS: Double?
    /// The beep's frequencies, in Hz.
    public var beepFreqsHz: [Double]?

    private enum CodingKeys: String, CodingKey {
        case id, file, kind
        case beepOnsetS = "beep_onset_s"
        case beepEndS = "beep_end_s"
        case beepFreqsHz = "beep_freqs_hz"
    }

    /// Whether the call has a beep to find.
    public var hasBeep: Bool { kind == "machine_beep" && beepOnsetS != nil }

    /// Reads a JSON Lines manifest; blank lines are skipped.
    /// - Throws: ``OfflineError/badManifest(path:line:reason:)`` naming the first bad line.
    public static func load(path: String) throws(OfflineError) -> [ManifestEntry] {
        let bytes = try FileInput.read(path)
        var entries: [ManifestEntry] = []
        let decoder = JSONDecoder()
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) {
            do {
                let entry = try decoder.decode(ManifestEntry.self, from: Data(line))
                if entry.kind == "machine_beep" && (entry.beepOnsetS == nil || entry.beepEndS == nil) {
                    throw OfflineError.badManifest(
                        path: path, line: index + 1, reason: "machine_beep without beep times")
                }
                entries.append(entry)
            } catch let error as OfflineError {
                throw error
            } catch {
                throw .badManifest(path: path, line: index + 1, reason: "not a manifest entry: \(error)")
            }
        }
        return entries
    }
}
