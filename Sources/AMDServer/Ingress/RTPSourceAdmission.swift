import NIOCore
import RTP

/// Decides when a new RTP source becomes a call: RFC 3550 §A.1 probation, in a small table that a flood cannot
/// use to take call slots or to push out a genuine caller.
///
/// A source is proven once two packets of one SSRC arrive in sequence (`MIN_SEQUENTIAL` = 2); until then it holds
/// no call slot, no jitter buffer and no detector, only an entry here with its latest packet, which is replayed
/// when the source is proven so the call loses nothing and its stream time starts at its first packet.
///
/// Entries are keyed by transport address (source IP and UDP port), not by SSRC: random-SSRC datagrams from one
/// socket keep replacing that socket's one entry and never prove anything, while a caller on another port keeps
/// its own entry between its packets 20 ms apart. The table is bounded (``Configuration/capacity``); when full, a
/// newcomer takes the entry seen longest ago only if it has been quiet for ``Configuration/minimumHold``, so a
/// live caller's entry is never the one given up. A source the hub refused (call limit) is refused again without
/// asking for ``Configuration/retryInterval``.
///
/// A value owned by one socket's handler on its event loop; nothing is allocated after init except by the
/// dictionary, whose capacity is reserved up front.
struct RTPSourceAdmission {
    /// Bounds and timings of the probation table.
    struct Configuration: Sendable {
        /// Unproven sources tracked at once, per socket.
        var capacity: Int = 128
        /// Largest datagram held for replay, in bytes (a 60 ms G.711 packet is 492); a longer one is still
        /// tracked but not replayed. With ``capacity`` this is the table's memory: 64 KiB per socket.
        var maxHeldBytes: Int = 512
        /// An entry quiet for this long may be replaced by a newcomer when the table is full.
        var minimumHold: TimeAmount = .milliseconds(100)
        /// A source the hub refused is not offered again for this long.
        var retryInterval: TimeAmount = .seconds(1)
    }

    /// What to do with a packet of a source that has no call yet.
    enum Verdict: Equatable {
        /// The source is proven: open its call, replay ``RTPSourceAdmission/heldPacket(_:)`` if `held` is not nil,
        /// then take this packet; report the outcome with ``admitted(_:)`` or ``refused(_:now:)``.
        case admit(held: Int?)
        /// The packet is held (replacing the one held before, if any, which is discarded).
        case hold(discarded: Bool)
        /// The source was refused by the hub within the retry interval.
        case refusedRecently
        /// The table is full of live sources: the packet is dropped untracked.
        case tableFull
    }

    /// A source transport: where datagrams come from.
    struct Transport: Hashable {
        var address: IPAddress
        var port: UInt16
    }

    private struct Entry {
        var ssrc: UInt32
        var sequence: UInt16
        var lastSeen: NIODeadline
        var heldLength: Int
        var refusedUntil: NIODeadline?
    }

    let configuration: Configuration
    private var slots: [Transport: Int] = [:]
    private var entries: [Entry?]
    private var freeSlots: [Int]
    private var held: [UInt8]

    /// Creates an empty table; its memory (entries and held packets) is allocated here.
    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        slots.reserveCapacity(configuration.capacity)
        entries = Array(repeating: nil, count: configuration.capacity)
        freeSlots = Array((0..<configuration.capacity).reversed())
        held = Array(repeating: 0, count: configuration.capacity * configuration.maxHeldBytes)
    }

    /// Unproven sources tracked now.
    var count: Int { slots.count }

    /// Takes one packet of a source without a call.
    /// - Parameters:
    ///   - transport: where the datagram came from.
    ///   - ssrc: the packet's SSRC.
    ///   - sequence: the packet's sequence number.
    ///   - datagram: the whole datagram, held for replay.
    ///   - now: the arrival time.
    mutating func offer(
        _ transport: Transport, ssrc: UInt32, sequence: UInt16, datagram: UnsafeRawBufferPointer, now: NIODeadline
    ) -> Verdict {
        if let slot = slots[transport], var entry = entries[slot] {
            if let until = entry.refusedUntil, now < until {
                entry.lastSeen = now
                entry.ssrc = ssrc
                entry.sequence = sequence
                entries[slot] = entry
                return .refusedRecently
            }
            if entry.ssrc == ssrc, sequence == entry.sequence &+ 1 {
                entry.lastSeen = now
                entry.sequence = sequence
                entries[slot] = entry
                return .admit(held: entry.heldLength > 0 ? slot : nil)
            }
            let discarded = entry.heldLength > 0
            entries[slot] = Entry(
                ssrc: ssrc, sequence: sequence, lastSeen: now, heldLength: hold(datagram, in: slot), refusedUntil: nil)
            return .hold(discarded: discarded)
        }
        guard let slot = freeSlots.popLast() ?? reclaim(now: now) else { return .tableFull }
        let evicted = entries[slot]
        slots[transport] = slot
        entries[slot] = Entry(
            ssrc: ssrc, sequence: sequence, lastSeen: now, heldLength: hold(datagram, in: slot), refusedUntil: nil)
        return .hold(discarded: (evicted?.heldLength ?? 0) > 0)
    }

    /// The packet held for the source admitted with `.admit(held: slot)`; valid until the next ``offer``.
    func heldPacket<Result>(_ slot: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let length = entries[slot]?.heldLength ?? 0
        let start = slot * configuration.maxHeldBytes
        return held.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
    }

    /// The source got its call: its entry is freed.
    mutating func admitted(_ transport: Transport) {
        guard let slot = slots.removeValue(forKey: transport) else { return }
        entries[slot] = nil
        freeSlots.append(slot)
    }

    /// The hub refused the source (call limit): its packets are refused without asking for the retry interval.
    mutating func refused(_ transport: Transport, now: NIODeadline) {
        guard let slot = slots[transport], var entry = entries[slot] else { return }
        entry.refusedUntil = now + configuration.retryInterval
        entry.heldLength = 0
        entries[slot] = entry
    }

    /// Copies `datagram` into `slot`'s hold area; returns the length held (0 when too long to hold).
    private mutating func hold(_ datagram: UnsafeRawBufferPointer, in slot: Int) -> Int {
        guard datagram.count <= configuration.maxHeldBytes else { return 0 }
        let start = slot * configuration.maxHeldBytes
        held.withUnsafeMutableBytes { area in
            UnsafeMutableRawBufferPointer(rebasing: area[start..<(start + datagram.count)]).copyMemory(from: datagram)
        }
        return datagram.count
    }

    /// Frees the entry seen longest ago if it has been quiet for the minimum hold; `nil` when all are live.
    private mutating func reclaim(now: NIODeadline) -> Int? {
        var oldest: (transport: Transport, slot: Int, seen: NIODeadline)?
        for (transport, slot) in slots {
            guard let entry = entries[slot] else { continue }
            if let current = oldest, current.seen <= entry.lastSeen { continue }
            oldest = (transport, slot, entry.lastSeen)
        }
        guard let oldest, now - oldest.seen >= configuration.minimumHold else { return nil }
        slots.removeValue(forKey: oldest.transport)
        return oldest.slot
    }
}
