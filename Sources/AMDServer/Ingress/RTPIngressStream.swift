import AMDCore
import NIOCore
import RTP

/// One RTP stream the ingress tracks: its jitter buffer, its detector, and what it has reported to the hub.
///
/// A class so the per-packet path can reach it through the stream dictionary without copying or rehashing; it is
/// not `Sendable` and never leaves the event loop of the socket that created it (``RTPIngressHandler`` owns it).
/// Everything that can grow is sized when the stream starts: the reassembler's slots, the detector's buffers and
/// ``scratch``.
final class RTPIngressStream {
    /// The hub's id for the call (the public id may differ after a registration; the hub maps it).
    let callID: String
    /// The codec of the stream's first audio packet: the call's codec on the API and the detector's encoding.
    let codec: RTPAudioCodec
    /// Puts packets back in order and turns them into audio, silence and DTMF in stream time.
    var reassembler: RTPStreamReassembler
    /// The call's detector, fed with the codec's bytes as they come.
    var detector: StreamDetector
    /// Linear samples of a packet in the other G.711 law (a stream that switches codec mid-call), decoded here and
    /// given to the same detector with `process(samples:)`, so its state and stream time carry on. Sized for the
    /// largest payload the reassembler keeps.
    var scratch: [Int16]
    /// When the last datagram of the stream arrived.
    var lastPacketAt: NIODeadline
    /// Datagrams of the stream received (including duplicates and late ones).
    var packets: Int64 = 0
    /// Packets the reassembler counted as lost so far, as of the end of the previous datagram.
    var packetsLost: Int64 = 0
    /// Samples (8 kHz) given to the detector: audio plus silence, i.e. the stream time covered.
    var samples: Int64 = 0
    /// ``samples`` at the last report to the hub.
    var reportedSamples: Int64 = 0
    /// Wall-clock nanoseconds spent in the detector since the last report.
    var detectorNanoseconds: Int64 = 0

    /// Starts tracking a stream.
    /// - Parameters:
    ///   - callID: the hub's id for the call.
    ///   - codec: the codec of the first audio packet.
    ///   - reassembler: a fresh reassembler (its slots allocated).
    ///   - detector: a fresh detector for `codec`.
    ///   - now: when the first packet arrived.
    init(
        callID: String, codec: RTPAudioCodec, reassembler: RTPStreamReassembler, detector: StreamDetector,
        now: NIODeadline
    ) {
        self.callID = callID
        self.codec = codec
        self.reassembler = reassembler
        self.detector = detector
        self.scratch = [Int16](repeating: 0, count: reassembler.configuration.maxPayloadBytes)
        self.lastPacketAt = now
    }

    /// Stream time covered so far, in milliseconds.
    var audioMs: Int64 { samples * 1000 / Int64(RTPAudioCodec.clockRateHz) }

    /// The counters the hub shows for the call.
    var counters: CallCounters {
        CallCounters(audioMs: audioMs, packets: packets, packetsLost: packetsLost)
    }
}
