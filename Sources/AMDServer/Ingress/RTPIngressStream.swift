import AMDCore
import NIOCore
import RTP

/// One RTP stream the ingress tracks: its jitter buffer, its detector, and what it has reported to the hub.
///
/// A class so the per-packet path can reach it through the stream dictionary without copying or rehashing; it is
/// not `Sendable` and never leaves the event loop of the socket that created it (``RTPIngressHandler`` owns it).
/// Everything that can grow is sized when the stream starts: the reassembler's slots and the detector's buffers.
///
/// Stream time is the detector's (``StreamDetector/inputSamples``, at ``RTPAudioCodec/clockRateHz``): the audio and
/// silence the reassembler played out to it, counted there once.
final class RTPIngressStream {
    /// The hub's id for the call (the public id may differ after a registration; the hub maps it).
    let callID: String
    /// The codec of the stream's first audio packet: the call's codec on the API and the detector's encoding.
    let codec: RTPAudioCodec
    /// Puts packets back in order and turns them into audio, silence and DTMF in stream time.
    var reassembler: RTPStreamReassembler
    /// The call's detector, fed with the codec's bytes as they come (a packet in the other law is decoded by it).
    var detector: StreamDetector
    /// When the last datagram of the stream arrived, on the socket's event loop clock.
    var lastPacketAt: NIODeadline
    /// Datagrams of the stream received (including duplicates and late ones).
    var packets: Int64 = 0
    /// Packets the reassembler counted as lost so far, as of the end of the previous datagram.
    var packetsLost: Int64 = 0
    /// The detector's ``StreamDetector/inputSamples`` at the last report to the hub.
    var reportedSamples: Int64 = 0
    /// Detector time (and, at each report, the stream time) not yet added to the metrics.
    var metricsBatch = IngressMetricsBatch()

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
        self.lastPacketAt = now
    }

    /// Samples (at ``RTPAudioCodec/clockRateHz``) played to the detector since the last report.
    var unreportedSamples: Int64 { detector.inputSamples - reportedSamples }

    /// The counters the hub shows for the call.
    var counters: CallCounters {
        CallCounters(audioMs: detector.streamTimeMs, packets: packets, packetsLost: packetsLost)
    }
}
