/// Fixed-capacity ring of the most recent frame decisions (voiced or not); O(1) push, no allocation after init.
///
/// ``VoiceActivityDetector`` keeps one to turn frame decisions into segments with padding: a segment starts when
/// the voiced share of the ring reaches a ratio and ends when the unvoiced share does.
public struct DecisionRing: Sendable {
    private var bits: [Bool]
    private var next = 0
    /// Decisions held, at most ``capacity`` (frames).
    public private(set) var count = 0
    /// Voiced decisions among those held (frames).
    public private(set) var voicedCount = 0

    /// Creates an empty ring holding the last `capacity` decisions (frames, at least 1).
    public init(capacity: Int) {
        bits = Array(repeating: false, count: max(1, capacity))
    }

    /// How many decisions the ring holds when full (frames).
    public var capacity: Int { bits.count }
    /// Unvoiced decisions among those held (frames).
    public var unvoicedCount: Int { count - voicedCount }
    /// Voiced share of the whole capacity (0…1); empty slots count as neither voiced nor unvoiced.
    public var voicedShare: Double { Double(voicedCount) / Double(capacity) }

    /// Pushes one frame's decision, dropping the oldest when full.
    public mutating func push(_ voiced: Bool) {
        if count == capacity {
            voicedCount -= bits[next] ? 1 : 0
        } else {
            count += 1
        }
        voicedCount += voiced ? 1 : 0
        bits[next] = voiced
        next += 1
        if next == capacity { next = 0 }
    }

    /// Forgets all decisions (after a segment starts or ends, so the next transition is judged afresh).
    public mutating func removeAll() {
        count = 0
        voicedCount = 0
        next = 0
    }
}
