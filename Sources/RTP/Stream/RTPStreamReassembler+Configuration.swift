extension RTPStreamReassembler {
    /// How an ``RTPStreamReassembler`` buffers, fills gaps and recognises payload types.
    public struct Configuration: Sendable, Hashable {
        /// How many packets the jitter buffer holds before the earliest is played out (3 = 60 ms of 20 ms
        /// packets); 0 plays every packet as it comes. The slots are allocated once, at init.
        public var jitterPackets: Int
        /// The largest payload kept, in bytes; larger packets are dropped and counted as oversize. Slots start
        /// smaller and widen up to this when such a packet must be buffered.
        public var maxPayloadBytes: Int
        /// The dynamic payload type of RFC 4733 telephone-event, or nil when the stream carries none.
        public var telephoneEventPayloadType: UInt8?
        /// The longest silence emitted for one gap, in samples at 8 kHz (8000 = 1 s). A longer forward
        /// timestamp jump emits this much and, outside a pause (comfort noise or marker bit), counts as a resync.
        public var maxGapFillSamples: Int
        /// How far ahead of the highest sequence number a packet may be before it is out of range (RFC 3550 A.1).
        public var maxDropout: Int
        /// How far behind the highest sequence number a packet may be before it is out of range (RFC 3550 A.1).
        public var maxMisorder: Int
        /// When true, a packet that follows the last one played out is played at once (with any buffered packets
        /// that follow it) instead of waiting for the buffer to fill: the buffer then delays audio only while a
        /// sequence number is missing, by up to ``jitterPackets`` packets. Live ingress wants this (a beep is
        /// reported one packet after it ends, not `jitterPackets` packets later); the first packets of a stream
        /// are still held until the buffer fills once, so reordering at the start is put right.
        public var playsInOrderPacketsAtOnce: Bool

        /// A configuration; the defaults suit 20 ms G.711 packets.
        ///
        /// - Parameters:
        ///   - jitterPackets: Packets held for reordering (default 3, 60 ms of 20 ms packets).
        ///   - maxPayloadBytes: Largest payload in bytes (default 1500).
        ///   - telephoneEventPayloadType: RFC 4733 payload type (default 101), nil for none.
        ///   - maxGapFillSamples: Gap-fill cap in samples at 8 kHz (default 8000, 1 s).
        ///   - maxDropout: Sequence numbers a packet may jump ahead (default 3000).
        ///   - maxMisorder: Sequence numbers a packet may lag behind (default 100).
        ///   - playsInOrderPacketsAtOnce: Play the next packet in sequence without waiting (default false).
        public init(
            jitterPackets: Int = 3, maxPayloadBytes: Int = 1500, telephoneEventPayloadType: UInt8? = 101,
            maxGapFillSamples: Int = 8000, maxDropout: Int = 3000, maxMisorder: Int = 100,
            playsInOrderPacketsAtOnce: Bool = false
        ) {
            self.jitterPackets = max(0, jitterPackets)
            self.maxPayloadBytes = max(0, maxPayloadBytes)
            self.telephoneEventPayloadType = telephoneEventPayloadType
            self.maxGapFillSamples = max(0, maxGapFillSamples)
            self.maxDropout = min(max(1, maxDropout), 32_000)
            self.maxMisorder = min(max(1, maxMisorder), 32_000)
            self.playsInOrderPacketsAtOnce = playsInOrderPacketsAtOnce
        }
    }
}
