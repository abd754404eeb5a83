/// Puts one RTP stream's packets back in order and turns them into audio, silence and DTMF in stream time.
///
/// Feed packets in arrival order with ``receive(_:payload:onEvent:)``; the reassembler holds up to
/// ``Configuration/jitterPackets`` of them in slots, and plays the earliest out when a new one needs a slot. Stream time follows the RTP timestamps (8 kHz clock), not arrival: a gap between the end of one
/// packet's audio and the next packet's timestamp becomes ``RTPStreamEvent/silence(samples:)`` (capped at
/// ``Configuration/maxGapFillSamples``). Sequence numbers (16 bits) and timestamps (32 bits) wrap; both are
/// compared with serial-number arithmetic. Telephone-event packets are not audio: each new DTMF key is reported
/// once as ``RTPStreamEvent/dtmf(_:)``. Call ``flush(onEvent:)`` at the end of the stream.
///
/// One reassembler per stream (see ``RTPStreamKey``), owned by one task. The slots start sized for a 20 ms G.711
/// payload, because a daemon holds thousands of streams and nearly all of them send that; a larger packet that must
/// be buffered widens every slot once (to twice the width or to that packet, whichever is more, never past
/// ``Configuration/maxPayloadBytes``). Apart from those few widenings, nothing allocates after init.
public struct RTPStreamReassembler: Sendable {
    /// The buffering and gap-filling settings, fixed at init.
    public let configuration: Configuration
    /// What the stream has been through so far.
    public private(set) var counters = RTPStreamCounters()

    /// One jitter-buffer slot: a packet's header fields; its payload is in `storage` at `index × slotBytes`.
    private struct Slot: Sendable {
        var isUsed = false
        var sequence: Int64 = 0
        var timestamp: UInt32 = 0
        var payloadType: UInt8 = 0
        var marker = false
        var count = 0
    }

    /// Payload bytes of every slot, `jitterPackets × slotBytes`.
    private var storage: [UInt8]
    /// The payload bytes one slot holds now: ``initialSlotBytes`` at first, widened by ``widenSlots(toHold:)``.
    private var slotBytes: Int
    private var slots: [Slot]
    private var bufferedCount = 0
    /// Extended (wrap-free) sequence number of the highest packet accepted; its low 16 bits are the wire value.
    private var highestSequence: Int64 = 0
    /// Extended sequence number of the last packet played out.
    private var lastPlayedSequence: Int64 = 0
    /// Bit `i` set when sequence `lastPlayedSequence - i` was played: tells duplicates from late packets.
    private var playedMask: UInt64 = 0
    private var hasStarted = false
    private var hasPlayed = false
    /// Extended timestamp of the next sample to emit, in samples at 8 kHz.
    private var playoutTimestamp: Int64 = 0
    /// True until the next packet played sets `playoutTimestamp` without a gap (start, sequence restart).
    private var rebaseTimestamp = true
    /// True after comfort noise: the coming gap is a pause, not a loss.
    private var inComfortNoise = false
    /// Sequence number expected next from a source that jumped out of range (RFC 3550 A.1 probation).
    private var probationSequence: UInt16?
    private var lastEventTimestamp: UInt32 = 0
    private var lastEventCode: UInt8 = 0
    private var hasEvent = false

    /// A reassembler with its slots allocated.
    ///
    /// - Parameter configuration: Jitter-buffer depth, largest payload, telephone-event payload type, gap-fill cap.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        slotBytes = min(Self.initialSlotBytes, configuration.maxPayloadBytes)
        storage = [UInt8](repeating: 0, count: configuration.jitterPackets * slotBytes)
        slots = [Slot](repeating: Slot(), count: configuration.jitterPackets)
    }

    /// A slot's first width in bytes: one 20 ms G.711 packet (160 samples of one byte at 8 kHz), the payload
    /// nearly every stream sends.
    static let initialSlotBytes = 160

    /// Samples emitted so far (audio and silence), at 8 kHz: the stream time of the next event.
    public var streamSamples: Int { counters.audioSamples + counters.silenceSamples }

    /// Stream time of the next event, in milliseconds from the first sample emitted.
    public var streamTimeMs: Int { streamSamples * Self.millisecondsPerSecond / RTPAudioCodec.clockRateHz }

    private static let millisecondsPerSecond = 1000
    /// Comfort noise (RFC 3389), a static payload type.
    private static let comfortNoisePayloadType: UInt8 = 13

    /// Packets held in the jitter buffer.
    public var bufferedPackets: Int { bufferedCount }

    /// Takes one packet of this stream, in arrival order, and emits whatever it lets play out.
    ///
    /// - Parameters:
    ///   - packet: The parsed header.
    ///   - payload: The packet's payload (``RTPPacket/payload(in:)``); copied into a slot if buffered.
    ///   - onEvent: Called for each event in stream order, before this method returns.
    /// - Returns: What became of the packet: played, buffered, or dropped and why.
    @discardableResult
    public mutating func receive(
        _ packet: RTPPacket, payload: UnsafeRawBufferPointer, onEvent: (RTPStreamEvent) -> Void
    ) -> RTPPacketOutcome {
        counters.packets += 1
        guard payload.count <= configuration.maxPayloadBytes else {
            counters.oversize += 1
            return .oversize
        }
        if !hasStarted {
            hasStarted = true
            highestSequence = Int64(packet.sequenceNumber)
        }
        var sequence = extend(packet.sequenceNumber)
        let delta = sequence - highestSequence
        if delta > Int64(configuration.maxDropout) || delta < -Int64(configuration.maxMisorder) {
            guard probationSequence == packet.sequenceNumber else {
                probationSequence = packet.sequenceNumber &+ 1
                counters.outOfRange += 1
                return .outOfRange
            }
            restartSequence(at: packet.sequenceNumber, onEvent: onEvent)
            sequence = highestSequence
        }
        probationSequence = nil
        if hasPlayed, sequence <= lastPlayedSequence {
            let age = lastPlayedSequence - sequence
            if age < 64, playedMask & (1 << UInt64(age)) != 0 {
                counters.duplicates += 1
                return .duplicate
            }
            counters.late += 1
            return .late
        }
        if slots.contains(where: { $0.isUsed && $0.sequence == sequence }) {
            counters.duplicates += 1
            return .duplicate
        }
        if sequence < highestSequence {
            counters.reordered += 1
        } else {
            highestSequence = sequence
        }

        if configuration.playsInOrderPacketsAtOnce, hasPlayed, sequence == lastPlayedSequence + 1 {
            play(
                sequence: sequence, timestamp: packet.timestamp, payloadType: packet.payloadType,
                marker: packet.marker, payload: payload, onEvent: onEvent)
            playConsecutiveSlots(onEvent: onEvent)
            return taken(packet, .played)
        }
        var free = slots.firstIndex { !$0.isUsed }
        if free == nil, let earliest = earliestSlot() {
            if sequence < slots[earliest].sequence {
                play(
                    sequence: sequence, timestamp: packet.timestamp, payloadType: packet.payloadType,
                    marker: packet.marker, payload: payload, onEvent: onEvent)
                playConsecutiveSlots(onEvent: onEvent)
                return taken(packet, .played)
            }
            playSlot(earliest, onEvent: onEvent)
            free = earliest
        }
        guard let index = free else {
            play(
                sequence: sequence, timestamp: packet.timestamp, payloadType: packet.payloadType,
                marker: packet.marker, payload: payload, onEvent: onEvent)
            return taken(packet, .played)
        }
        if payload.count > slotBytes { widenSlots(toHold: payload.count) }
        let base = index * slotBytes
        storage.withUnsafeMutableBytes { bytes in
            if let source = payload.baseAddress, let destination = bytes.baseAddress {
                (destination + base).copyMemory(from: source, byteCount: payload.count)
            }
        }
        slots[index] = Slot(
            isUsed: true, sequence: sequence, timestamp: packet.timestamp, payloadType: packet.payloadType,
            marker: packet.marker, count: payload.count)
        bufferedCount += 1
        playConsecutiveSlots(onEvent: onEvent)
        // The slots that follow the last one played may include this packet's.
        return taken(packet, slots[index].isUsed ? .buffered : .played)
    }

    /// The outcome of a packet taken in sequence: `outcome`, unless its payload type plays nothing.
    private func taken(_ packet: RTPPacket, _ outcome: RTPPacketOutcome) -> RTPPacketOutcome {
        let type = packet.payloadType
        let plays =
            RTPAudioCodec(payloadType: type) != nil || type == Self.comfortNoisePayloadType
            || type == configuration.telephoneEventPayloadType
        return plays ? outcome : .unsupportedPayloadType
    }

    /// Parses `datagram` as RTP and takes it as ``receive(_:payload:onEvent:)`` does.
    ///
    /// - Returns: What became of the packet.
    /// - Throws: ``RTPParseError`` when the datagram is not an RTP packet; the stream is left as it was.
    @discardableResult
    public mutating func receive(
        datagram: UnsafeRawBufferPointer, onEvent: (RTPStreamEvent) -> Void
    ) throws(RTPParseError) -> RTPPacketOutcome {
        let packet = try RTPPacket(parsing: datagram)
        return receive(packet, payload: packet.payload(in: datagram), onEvent: onEvent)
    }

    /// Plays out every buffered packet, in sequence order; call at the end of the stream.
    public mutating func flush(onEvent: (RTPStreamEvent) -> Void) {
        while let earliest = earliestSlot() {
            playSlot(earliest, onEvent: onEvent)
        }
    }

    // MARK: - Sequence

    /// The extended sequence number of `wire`, the one nearest to the highest seen (serial arithmetic).
    private func extend(_ wire: UInt16) -> Int64 {
        let delta = Int16(bitPattern: wire &- UInt16(truncatingIfNeeded: highestSequence))
        return highestSequence + Int64(delta)
    }

    /// The source restarted its sequence: plays out what is buffered and starts counting again at `wire`.
    private mutating func restartSequence(at wire: UInt16, onEvent: (RTPStreamEvent) -> Void) {
        flush(onEvent: onEvent)
        counters.resyncs += 1
        // Well past every number used so far, with the wire value in the low 16 bits.
        let restarted = ((max(highestSequence, lastPlayedSequence) >> 16) + 2) << 16 | Int64(wire)
        highestSequence = restarted
        lastPlayedSequence = restarted - 1
        playedMask = 0
        rebaseTimestamp = true
    }

    /// With ``Configuration/playsInOrderPacketsAtOnce``, plays the buffered packets that follow the last one
    /// played without a gap; otherwise does nothing.
    private mutating func playConsecutiveSlots(onEvent: (RTPStreamEvent) -> Void) {
        guard configuration.playsInOrderPacketsAtOnce, hasPlayed else { return }
        while let earliest = earliestSlot(), slots[earliest].sequence == lastPlayedSequence + 1 {
            playSlot(earliest, onEvent: onEvent)
        }
    }

    /// Widens every slot to hold `count` payload bytes: to twice the present width or to `count`, whichever is
    /// more, at most ``Configuration/maxPayloadBytes``, moving the buffered payloads to their new places. Doubling
    /// bounds how often a stream of growing packets reallocates (a handful of times up to the 1500-byte limit).
    private mutating func widenSlots(toHold count: Int) {
        let widened = min(max(count, 2 * slotBytes), configuration.maxPayloadBytes)
        var moved = [UInt8](repeating: 0, count: configuration.jitterPackets * widened)
        let old = slotBytes
        storage.withUnsafeBytes { source in
            moved.withUnsafeMutableBytes { destination in
                for index in slots.indices where slots[index].isUsed {
                    guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                    (to + index * widened).copyMemory(from: from + index * old, byteCount: slots[index].count)
                }
            }
        }
        storage = moved
        slotBytes = widened
    }

    /// The used slot with the lowest sequence number, or nil when the buffer is empty.
    private func earliestSlot() -> Int? {
        var best: Int? = nil
        for index in slots.indices where slots[index].isUsed {
            if let current = best, slots[current].sequence <= slots[index].sequence { continue }
            best = index
        }
        return best
    }

    // MARK: - Play-out

    /// Plays out the packet in slot `index` and frees the slot.
    private mutating func playSlot(_ index: Int, onEvent: (RTPStreamEvent) -> Void) {
        let slot = slots[index]
        slots[index].isUsed = false
        bufferedCount -= 1
        let held = storage  // a second reference, not a copy: `play` does not write `storage`.
        held.withUnsafeBytes { bytes in
            play(
                sequence: slot.sequence, timestamp: slot.timestamp, payloadType: slot.payloadType,
                marker: slot.marker,
                payload: bytes.slice(offset: index * slotBytes, count: slot.count),
                onEvent: onEvent)
        }
    }

    /// Emits one packet: the gap before it, then its audio, or its DTMF key, or nothing.
    private mutating func play(
        sequence: Int64, timestamp: UInt32, payloadType: UInt8, marker: Bool, payload: UnsafeRawBufferPointer,
        onEvent: (RTPStreamEvent) -> Void
    ) {
        if hasPlayed {
            if sequence > lastPlayedSequence + 1 { counters.lost += Int(sequence - lastPlayedSequence - 1) }
            let shift = sequence - lastPlayedSequence
            playedMask = shift >= 64 ? 0 : playedMask << UInt64(shift)
        }
        playedMask |= 1
        lastPlayedSequence = sequence
        hasPlayed = true

        if payloadType == configuration.telephoneEventPayloadType {
            playTelephoneEvent(timestamp: timestamp, payload: payload, onEvent: onEvent)
            return
        }
        switch payloadType {
        case 0, 8:
            fillGap(until: timestamp, isPause: marker || inComfortNoise, onEvent: onEvent)
            inComfortNoise = false
            if payload.count > 0 { onEvent(.audio(payloadType: payloadType, payload: payload)) }
            counters.audioSamples += payload.count
            playoutTimestamp += Int64(payload.count)
        case Self.comfortNoisePayloadType:
            counters.comfortNoise += 1
            fillGap(until: timestamp, isPause: marker || inComfortNoise, onEvent: onEvent)
            inComfortNoise = true
        default:
            counters.unsupportedPayloadType += 1
        }
    }

    /// Emits silence from the play-out position up to `timestamp` (capped), then moves the position there.
    private mutating func fillGap(until timestamp: UInt32, isPause: Bool, onEvent: (RTPStreamEvent) -> Void) {
        let wrapped = Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: playoutTimestamp))
        let target = playoutTimestamp + Int64(wrapped)
        defer { playoutTimestamp = target }
        if rebaseTimestamp {
            rebaseTimestamp = false
            return
        }
        let gap = target - playoutTimestamp
        if gap < 0 {
            counters.resyncs += 1
            return
        }
        guard gap > 0 else { return }
        var samples = Int(gap)
        if samples > configuration.maxGapFillSamples {
            samples = configuration.maxGapFillSamples
            if !isPause { counters.resyncs += 1 }
        }
        guard samples > 0 else { return }
        counters.silenceSamples += samples
        onEvent(.silence(samples: samples))
    }

    /// Reports the DTMF key of a telephone-event packet once per event (events are told apart by timestamp).
    private mutating func playTelephoneEvent(
        timestamp: UInt32, payload: UnsafeRawBufferPointer, onEvent: (RTPStreamEvent) -> Void
    ) {
        guard let event = TelephoneEvent(payload: payload) else { return }
        if hasEvent, lastEventTimestamp == timestamp, lastEventCode == event.event { return }
        hasEvent = true
        lastEventTimestamp = timestamp
        lastEventCode = event.event
        guard let digit = event.dtmfDigit else { return }
        counters.dtmfEvents += 1
        onEvent(.dtmf(digit))
    }
}
