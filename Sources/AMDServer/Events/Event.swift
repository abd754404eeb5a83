package import AMDCore
package import FoundationEssentials

/// What happened to a call.
package enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Media for a new call arrived.
    case callStarted = "call_started"
    /// A voicemail beep was detected: what the controller waits for.
    case beep
    /// The call's media stopped.
    case callEnded = "call_ended"
    /// Who answered the call was decided: human, machine, fax or unknown.
    case answer
    /// A machine's greeting ended: with a beep, in silence, or otherwise.
    case machineEnd = "machine_end"
}

/// One event as every channel (long-poll, websocket, UDP, webhook) carries it (the `Event` object of
/// `docs/openapi.yaml`).
///
/// The wire form is encoded once, when the bus assigns `seq`, and shared by every subscriber.
package struct Event: Sendable, Hashable {
    /// Position in the daemon's event sequence: 1, 2, 3, … for the daemon's lifetime.
    package let seq: UInt64
    /// What happened.
    package let type: EventType
    /// The call's id (the registered one when the controller named the stream).
    package let callID: String
    /// Wall-clock time of the event.
    package let at: Date
    /// The event as one JSON object: `{"seq":…,"type":…,"call_id":…,"at":…, …}`.
    package let json: String

    /// Creates an event and encodes its wire form.
    package init(seq: UInt64, callID: String, at: Date, details: EventDetails) {
        self.seq = seq
        self.type = details.type
        self.callID = callID
        self.at = at
        self.json = Self.encode(seq: seq, callID: callID, at: at, details: details)
    }

    private static func encode(seq: UInt64, callID: String, at: Date, details: EventDetails) -> String {
        var wire = WireEvent(seq: seq, type: details.type, callID: callID, at: RFC3339.string(from: at))
        switch details {
        case .callStarted(let call):
            wire.ingress = call.ingress.rawValue
            wire.codec = call.codec
            wire.identify(call)
        case .beep(let beep, let call):
            wire.onsetMs = beep.onsetMs
            wire.detectedMs = beep.detectedMs
            wire.frequencyHz = beep.frequencyHz
            wire.confidence = beep.confidence
            wire.beepDetected = true
            wire.uuids = [callID]
            wire.identify(call)
        case .answer(let decision, let call):
            wire.answeredBy = decision.answeredBy.rawValue
            wire.decidedMs = decision.decidedMs
            wire.confidence = decision.confidence
            wire.cause = decision.cause.rawValue
            wire.identify(call)
        case .machineEnd(let end, let call):
            wire.outcome = end.outcome.rawValue
            wire.ms = end.ms
            wire.identify(call)
        case .callEnded(let call):
            wire.reason = call.endReason
            wire.audioMs = call.audioMs
            wire.packets = call.packets
            wire.packetsLost = call.packetsLost
            wire.beepDetected = call.beep != nil
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and numbers cannot fail; fall back to a minimal object all the same.
        guard let data = try? encoder.encode(wire), let text = String(data: data, encoding: .utf8) else {
            return #"{"seq":\#(seq),"type":"\#(details.type.rawValue)"}"#
        }
        return text
    }
}

/// What an event says beyond its common fields.
package enum EventDetails: Sendable {
    /// A call started; the record as it was then.
    case callStarted(Call)
    /// A beep on a call.
    case beep(BeepEvent, Call)
    /// A call ended; the record as it was then.
    case callEnded(Call)
    /// Who answered a call.
    case answer(AnswerDecision, Call)
    /// How a machine's greeting ended.
    case machineEnd(MachineEnd, Call)

    /// The event type these details belong to.
    package var type: EventType {
        switch self {
        case .callStarted: .callStarted
        case .beep: .beep
        case .callEnded: .callEnded
        case .answer: .answer
        case .machineEnd: .machineEnd
        }
    }
}

/// The JSON shape of an event; absent fields are left out.
private struct WireEvent: Encodable {
    var seq: UInt64
    var type: EventType
    var callID: String
    var at: String
    var ingress: String?
    var source: String?
    var ssrc: UInt32?
    var codec: String?
    var metadata: [String: String]?
    var onsetMs: Int64?
    var detectedMs: Int64?
    var frequencyHz: Double?
    var confidence: Double?
    var beepDetected: Bool?
    var uuids: [String]?
    var reason: String?
    var audioMs: Int64?
    var packets: Int64?
    var packetsLost: Int64?
    var answeredBy: String?
    var decidedMs: Int64?
    var cause: String?
    var outcome: String?
    var ms: Int64?

    init(seq: UInt64, type: EventType, callID: String, at: String) {
        self.seq = seq
        self.type = type
        self.callID = callID
        self.at = at
    }

    /// Names the call the way the controller matches it: where its media comes from, its SSRC and its metadata.
    mutating func identify(_ call: Call) {
        source = call.source
        ssrc = call.ssrc
        metadata = call.metadata
    }

    enum CodingKeys: String, CodingKey {
        case seq, type
        case callID = "call_id"
        case at, ingress, source, ssrc, codec, metadata
        case onsetMs = "onset_ms"
        case detectedMs = "detected_ms"
        case frequencyHz = "frequency_hz"
        case confidence
        case beepDetected = "beep_detected"
        case uuids, reason
        case audioMs = "audio_ms"
        case packets
        case packetsLost = "packets_lost"
        case answeredBy = "answered_by"
        case decidedMs = "decided_ms"
        case cause, outcome, ms
    }
}
