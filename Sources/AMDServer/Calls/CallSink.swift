public import AMDCore
package import RTP

/// Which ingress carries a call's audio.
package enum CallIngress: String, Sendable, Hashable, Codable {
    /// Mirrored G.711 RTP over UDP.
    case rtp
    /// The Vonage (Nexmo) Voice API websocket.
    case websocket
    /// A local ALSA capture device.
    case alsa
}

/// What an ingress knows about a call when its first audio arrives.
package struct CallDescriptor: Sendable, Hashable {
    /// The ingress that carries the call.
    package var ingress: CallIngress
    /// Where the media comes from: `"<ip>:<port>"` for RTP and websockets, the device name for ALSA.
    package var source: String
    /// The RTP synchronisation source, for RTP calls.
    package var ssrc: UInt32?
    /// Codec name as the API shows it: `"PCMU"`, `"PCMA"`, `"L16/16000"`, `"L16/8000"`.
    package var codec: String
    /// An id the ingress proposes (the websocket's `uuid` header); the hub may still apply a registration.
    package var proposedID: String?
    /// Free-form metadata from the ingress (websocket headers).
    package var metadata: [String: String]

    /// Creates a descriptor.
    package init(
        ingress: CallIngress,
        source: String,
        ssrc: UInt32? = nil,
        codec: String,
        proposedID: String? = nil,
        metadata: [String: String] = [:]
    ) {
        self.ingress = ingress
        self.source = source
        self.ssrc = ssrc
        self.codec = codec
        self.proposedID = proposedID
        self.metadata = metadata
    }
}

/// Running totals of a call, reported by its ingress.
package struct CallCounters: Sendable, Hashable {
    /// Stream time covered so far, in milliseconds (RTP timestamps or samples received, not wall-clock time).
    package var audioMs: Int64 = 0
    /// Packets (RTP) or frames (websocket, ALSA periods) received.
    package var packets: Int64 = 0
    /// Packets lost and filled with silence (RTP only).
    package var packetsLost: Int64 = 0

    /// Creates counters.
    package init(audioMs: Int64 = 0, packets: Int64 = 0, packetsLost: Int64 = 0) {
        self.audioMs = audioMs
        self.packets = packets
        self.packetsLost = packetsLost
    }
}

/// Where every ingress reports its calls; the daemon's call hub implements it.
///
/// An ingress owns each call's detector on its own thread or task and calls into the sink only when something
/// happens (a call starts or ends, a beep, a DTMF digit) or every few hundred milliseconds of audio to refresh the
/// counters, so the per-packet path takes no lock.
package protocol CallSink: Sendable {
    /// Registers a call whose media just arrived; returns the call's id, or `nil` when the daemon is at its call limit.
    func open(_ descriptor: CallDescriptor) -> String?
    /// Refreshes a call's counters.
    func update(_ id: String, counters: CallCounters)
    /// Reports a beep on a call; this is the event the controller waits for.
    func beep(_ id: String, event: BeepEvent, counters: CallCounters)
    /// Reports who answered a call (once per call).
    func answer(_ id: String, decision: AnswerDecision, counters: CallCounters)
    /// Reports how a machine's greeting ended (once per call decided `machine`).
    func machineEnd(_ id: String, end: MachineEnd, counters: CallCounters)
    /// Reports a DTMF digit seen on a call (RTP telephone-event or a websocket DTMF message).
    func dtmf(_ id: String, digit: String)
    /// Ends a call: the media stopped (idle timeout, websocket closed, device stopped).
    func close(_ id: String, counters: CallCounters, reason: CallEndReason)
    /// The no-beep timeout the registration that named call `id` asked for, in ms; nil for the default. An ingress
    /// asks once, when the call opens, and sets it on the call's detector.
    func noBeepTimeoutMs(forCall id: String) -> Int?
    /// Whether a registration may name the RTP stream from `address`:`port` with `ssrc`: such a stream skips
    /// probation. It may err towards yes (a registration naming only one of the two that agrees is enough).
    func isRegistered(address: IPAddress, port: UInt16, ssrc: UInt32) -> Bool
}

extension CallSink {
    /// No registrations: every call has the default no-beep timeout.
    package func noBeepTimeoutMs(forCall id: String) -> Int? { nil }

    /// No registrations: every RTP stream goes through probation.
    package func isRegistered(address: IPAddress, port: UInt16, ssrc: UInt32) -> Bool { false }

    /// Passes on what a call's detector reported that the hub publishes: beeps, the answer decision and the machine's
    /// end. Rejections and scored tones stay with the ingress (debug logs).
    package func report(_ output: BeepDetector.Output, for id: String, counters: CallCounters) {
        switch output {
        case .beep(let event): beep(id, event: event, counters: counters)
        case .answer(let decision): answer(id, decision: decision, counters: counters)
        case .machineEnd(let end): machineEnd(id, end: end, counters: counters)
        case .rejection, .candidate: break
        }
    }
}
