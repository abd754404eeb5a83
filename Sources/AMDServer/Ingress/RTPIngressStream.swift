import AMDCore
import NIOCore
import RTP

/// One RTP stream the ingress tracks: its jitter buffer, its detector, and its call's ``CallReporter``.
///
/// A class so the per-packet path can reach it through the stream dictionary without copying or rehashing; it is
/// not `Sendable` and never leaves the event loop of the socket that created it (``RTPIngressHandler`` owns it).
/// Everything that can grow is sized when the stream starts: the reassembler's slots and the detector's buffers.
///
/// Stream time is the detector's (``StreamDetector/inputSamples``, at ``RTPAudioCodec/clockRateHz``): the audio and
/// silence the reassembler played out to it, counted there once.
final class RTPIngressStream {
    /// The codec of the stream's first audio packet: the call's codec on the API and the detector's encoding.
    let codec: RTPAudioCodec
    /// Puts packets back in order and turns them into audio, silence and DTMF in stream time.
    var reassembler: RTPStreamReassembler
    /// The call's detector, fed with the codec's bytes as they come (a packet in the other law is decoded by it).
    var detector: StreamDetector
    /// Where the call's outputs, counters (datagrams as packets, the reassembler's lost count) and end go.
    var reporter: CallReporter
    /// When the last datagram of the stream arrived, on the socket's event loop clock.
    var lastPacketAt: NIODeadline

    /// Starts tracking a stream.
    /// - Parameters:
    ///   - reporter: the call's reporter, for the id the hub gave it.
    ///   - codec: the codec of the first audio packet.
    ///   - reassembler: a fresh reassembler (its slots allocated).
    ///   - detector: a fresh detector for `codec`.
    ///   - now: when the first packet arrived.
    init(
        reporter: CallReporter, codec: RTPAudioCodec, reassembler: RTPStreamReassembler, detector: StreamDetector,
        now: NIODeadline
    ) {
        self.reporter = reporter
        self.codec = codec
        self.reassembler = reassembler
        self.detector = detector
        self.lastPacketAt = now
    }

    /// The hub's id for the call (the public id may differ after a registration; the hub maps it).
    var callID: String { reporter.callID }
}
