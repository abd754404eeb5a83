package import AMDCore
package import FoundationEssentials

/// One call as the status API and the controller see it.
///
/// Stream times (`audio_ms`, the beep's `onset_ms` and `detected_ms`) are milliseconds from the stream's first
/// packet; `started_at`, `updated_at` and `detected_at` are wall-clock times, written in RFC 3339 with milliseconds.
package struct Call: Sendable, Hashable, Codable {
    /// Whether media still flows.
    package enum State: String, Sendable, Hashable, Codable {
        /// Media arrives.
        case active
        /// The media stopped (idle timeout, websocket closed, device stopped).
        case ended
    }

    /// The first beep found on a call: the detector's event and when the daemon learned of it.
    package struct Beep: Sendable, Hashable, Codable {
        /// The beep as the detector reported it (stream times in milliseconds, frequency in Hz, confidence 0...1).
        package var event: BeepEvent
        /// Wall-clock time at which the daemon learned of the beep.
        package var detectedAt: Date

        /// Estimated start of the beep, in stream milliseconds.
        package var onsetMs: Int64 { event.onsetMs }
        /// Stream time at which the detector reported it, in milliseconds.
        package var detectedMs: Int64 { event.detectedMs }
        /// Dominant frequency of the beep, in Hz.
        package var frequencyHz: Double { event.frequencyHz }
        /// Detector confidence, 0...1.
        package var confidence: Double { event.confidence }

        enum CodingKeys: String, CodingKey {
            case onsetMs = "onset_ms"
            case detectedMs = "detected_ms"
            case frequencyHz = "frequency_hz"
            case confidence
            case detectedAt = "detected_at"
        }

        /// Creates the record of `event`, learned of at `detectedAt`.
        package init(_ event: BeepEvent, detectedAt: Date) {
            self.event = event
            self.detectedAt = detectedAt
        }

        /// Decodes a beep, reading `detected_at` as RFC 3339.
        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            event = BeepEvent(
                onsetMs: try c.decode(Int64.self, forKey: .onsetMs),
                detectedMs: try c.decode(Int64.self, forKey: .detectedMs),
                frequencyHz: try c.decode(Double.self, forKey: .frequencyHz),
                confidence: try c.decode(Double.self, forKey: .confidence))
            detectedAt = try RFC3339.decode(c, .detectedAt)
        }

        /// Encodes a beep, writing `detected_at` as RFC 3339 with milliseconds.
        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(onsetMs, forKey: .onsetMs)
            try c.encode(detectedMs, forKey: .detectedMs)
            try c.encode(frequencyHz, forKey: .frequencyHz)
            try c.encode(confidence, forKey: .confidence)
            try c.encode(RFC3339.string(from: detectedAt), forKey: .detectedAt)
        }
    }

    /// Who answered the call, as decided once (`answer` in the JSON).
    package struct Answer: Sendable, Hashable, Codable {
        /// `human`, `machine`, `fax` or `unknown`.
        package var answeredBy: String
        /// Stream time of the decision, in milliseconds.
        package var decidedMs: Int64
        /// How sure the detector is, 0...1.
        package var confidence: Double
        /// Why: `short_greeting_then_silence`, `long_greeting`, `beep`, `fax_tone`, `timeout`, `stream_ended`.
        package var cause: String

        enum CodingKeys: String, CodingKey {
            case answeredBy = "answered_by"
            case decidedMs = "decided_ms"
            case confidence, cause
        }

        /// The record of `decision`.
        package init(_ decision: AnswerDecision) {
            answeredBy = decision.answeredBy.rawValue
            decidedMs = decision.decidedMs
            confidence = decision.confidence
            cause = decision.cause.rawValue
        }
    }

    /// How a machine's greeting ended (`machine_end` in the JSON).
    package struct End: Sendable, Hashable, Codable {
        /// `beep`, `silence` or `other`.
        package var outcome: String
        /// Stream time at which the end was established, in milliseconds.
        package var ms: Int64

        /// The record of `end`.
        package init(_ end: MachineEnd) {
            outcome = end.outcome.rawValue
            ms = end.ms
        }
    }

    /// Stable, URL-safe id, unique per stream: the hub's own or the controller's registered one.
    package var id: String
    /// Which ingress carries the call.
    package var ingress: CallIngress
    /// `"<ip>:<port>"` of the media's source (device name for ALSA).
    package var source: String
    /// RTP synchronisation source, `null` for other ingresses.
    package var ssrc: UInt32?
    /// Codec name: `"PCMU"`, `"PCMA"`, `"L16/16000"`, …
    package var codec: String
    /// Whether media still flows.
    package var state: State
    /// Wall-clock time the first media arrived.
    package var startedAt: Date
    /// Wall-clock time of the last change to this record.
    package var updatedAt: Date
    /// Stream time covered so far, in milliseconds.
    package var audioMs: Int64
    /// Packets or frames received.
    package var packets: Int64
    /// Packets lost and filled with silence.
    package var packetsLost: Int64
    /// The first beep found, or `nil`.
    package var beep: Beep?
    /// Who answered, once decided, or `nil`.
    package var answer: Answer?
    /// How the machine's greeting ended, once established, or `nil`.
    package var machineEnd: End?
    /// DTMF digits seen on the call, in order (`"123#"`).
    package var dtmf: String
    /// Metadata from the ingress merged with the controller's registration (the registration wins).
    package var metadata: [String: String]
    /// Why the call ended (`"idle"`, `"closed"`, …), `nil` while active.
    package var endReason: String?

    enum CodingKeys: String, CodingKey {
        case id, ingress, source, ssrc, codec, state
        case startedAt = "started_at"
        case updatedAt = "updated_at"
        case audioMs = "audio_ms"
        case packets
        case packetsLost = "packets_lost"
        case beep, dtmf, metadata, answer
        case endReason = "end_reason"
        case machineEnd = "machine_end"
    }

    /// Creates a record for a call that just started.
    package init(id: String, descriptor: CallDescriptor, now: Date) {
        self.id = id
        self.ingress = descriptor.ingress
        self.source = descriptor.source
        self.ssrc = descriptor.ssrc
        self.codec = descriptor.codec
        self.state = .active
        self.startedAt = now
        self.updatedAt = now
        self.audioMs = 0
        self.packets = 0
        self.packetsLost = 0
        self.beep = nil
        self.answer = nil
        self.machineEnd = nil
        self.dtmf = ""
        self.metadata = descriptor.metadata
        self.endReason = nil
    }

    /// Decodes a call as the API writes it.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        ingress = try c.decode(CallIngress.self, forKey: .ingress)
        source = try c.decode(String.self, forKey: .source)
        ssrc = try c.decodeIfPresent(UInt32.self, forKey: .ssrc)
        codec = try c.decode(String.self, forKey: .codec)
        state = try c.decode(State.self, forKey: .state)
        startedAt = try RFC3339.decode(c, .startedAt)
        updatedAt = try RFC3339.decode(c, .updatedAt)
        audioMs = try c.decode(Int64.self, forKey: .audioMs)
        packets = try c.decode(Int64.self, forKey: .packets)
        packetsLost = try c.decode(Int64.self, forKey: .packetsLost)
        beep = try c.decodeIfPresent(Beep.self, forKey: .beep)
        answer = try c.decodeIfPresent(Answer.self, forKey: .answer)
        machineEnd = try c.decodeIfPresent(End.self, forKey: .machineEnd)
        dtmf = try c.decodeIfPresent(String.self, forKey: .dtmf) ?? ""
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        endReason = try c.decodeIfPresent(String.self, forKey: .endReason)
    }

    /// Encodes the call; `ssrc`, `beep`, `answer`, `machine_end` and `end_reason` are written as `null` when absent.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ingress, forKey: .ingress)
        try c.encode(source, forKey: .source)
        try c.encode(ssrc, forKey: .ssrc)
        try c.encode(codec, forKey: .codec)
        try c.encode(state, forKey: .state)
        try c.encode(RFC3339.string(from: startedAt), forKey: .startedAt)
        try c.encode(RFC3339.string(from: updatedAt), forKey: .updatedAt)
        try c.encode(audioMs, forKey: .audioMs)
        try c.encode(packets, forKey: .packets)
        try c.encode(packetsLost, forKey: .packetsLost)
        try c.encode(beep, forKey: .beep)
        try c.encode(answer, forKey: .answer)
        try c.encode(machineEnd, forKey: .machineEnd)
        try c.encode(dtmf, forKey: .dtmf)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(endReason, forKey: .endReason)
    }
}
