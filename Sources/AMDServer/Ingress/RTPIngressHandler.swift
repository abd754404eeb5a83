import AMDCore
import Logging
import Metrics
import NIOCore
import RTP

/// One RTP socket's receive path: allow-list, per-stream state, detection, reports to the ``CallSink``.
///
/// Streams are keyed by ``RTPStreamKey`` (source address, source port, SSRC: a new SSRC from the same address is a
/// new stream) in a dictionary owned by the channel's event loop (every method runs there), so the per-packet path
/// takes no lock. A new source must pass probation (``RTPSourceAdmission``) before it gets a call, so a flood of
/// random SSRCs fills only the small probation table, never the hub's call slots; at the hub's limit a proven
/// stream is dropped as `call_limit` and the streams already tracked keep working.
///
/// Per datagram: parse the header in place (``RTPPacket``), look the stream up, hand the packet to its
/// ``RTPStreamReassembler``, and feed what plays out to its ``StreamDetector``. Nothing is allocated per datagram
/// beyond what NIO gives; a stream's buffers are allocated when its first audio packet opens the call.
final class RTPIngressHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// What the handler needs from the configuration.
    struct Settings: Sendable {
        /// A stream ends after this long without packets.
        var idleTimeout: Duration
        /// Sources allowed; empty allows all.
        var allow: [CIDR]
        /// Streams expected at most by this socket (the call limit), to size the stream table.
        var maxStreams: Int
        /// The probation table of new sources.
        var admission = RTPSourceAdmission.Configuration()
        /// The reassembler settings of every stream (jitter buffer depth, telephone-event payload type).
        var reassembler: RTPStreamReassembler.Configuration
        /// A detector for PCMU streams, copied for each new one (copy-on-write: its buffers are copied on first use).
        var muLawDetector: StreamDetector
        /// A detector for PCMA streams, copied for each new one.
        var aLawDetector: StreamDetector
    }

    /// Counters are sent to the hub (and detector time to the metrics) every this many stream milliseconds.
    static let reportIntervalMs: Int64 = 500

    let settings: Settings
    let sink: any CallSink
    let metrics: ServerMetrics
    let logger: Logger
    /// The socket's streams; only touched on the channel's event loop.
    var streams: [RTPStreamKey: RTPIngressStream] = [:]
    /// Sources not yet proven; only touched on the channel's event loop.
    var admission: RTPSourceAdmission
    private var sweepTask: RepeatedTask?

    init(settings: Settings, sink: any CallSink, metrics: ServerMetrics, logger: Logger) {
        self.settings = settings
        self.sink = sink
        self.metrics = metrics
        self.logger = logger
        admission = RTPSourceAdmission(configuration: settings.admission)
        streams.reserveCapacity(min(settings.maxStreams, 4096))
    }

    func channelActive(context: ChannelHandlerContext) {
        let interval = TimeAmount.milliseconds(max(20, min(1000, Self.milliseconds(settings.idleTimeout) / 4)))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        sweepTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.endIdleStreams(now: .now())
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweepTask?.cancel()
        sweepTask = nil
        let all = streams
        streams.removeAll()
        for (_, stream) in all { end(stream, reason: "shutdown") }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        metrics.packetsReceived.increment()
        guard let address = IPAddress(envelope.remoteAddress) else { return }
        if !settings.allow.isEmpty, !settings.allow.contains(where: { $0.contains(address) }) {
            metrics.packetsDropped(.notAllowed).increment()
            return
        }
        receive(envelope.data, from: address, port: UInt16(truncatingIfNeeded: envelope.remoteAddress.port ?? 0), now: .now())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("RTP socket error", metadata: ["error": "\(error)"])
    }

    /// Ends the streams that received nothing for the idle timeout: plays out their jitter buffers, reports the
    /// last counters and closes their calls.
    func endIdleStreams(now: NIODeadline) {
        let limit = TimeAmount.milliseconds(Self.milliseconds(settings.idleTimeout))
        var idle: [RTPStreamKey] = []
        for (key, stream) in streams where now - stream.lastPacketAt >= limit { idle.append(key) }
        for key in idle {
            guard let stream = streams.removeValue(forKey: key) else { continue }
            end(stream, reason: "idle")
        }
    }

    /// Flushes a stream's jitter buffer into its detector, then closes its call.
    func end(_ stream: RTPIngressStream, reason: String) {
        stream.reassembler.flush { event in play(event, on: stream) }
        stream.packetsLost = Int64(stream.reassembler.counters.lost)
        let (callID, counters) = (stream.callID, stream.counters)
        stream.detector.finish { sink.report($0, for: callID, counters: counters) }
        flushDetectorMetrics(stream)
        sink.close(stream.callID, counters: stream.counters, reason: reason)
    }

    /// Starts tracking a stream whose source was just admitted, unless the hub is at its call limit (which the
    /// hub counts in `amd_calls_rejected_total`; the packet is dropped as `call_limit`).
    func openStream(_ key: RTPStreamKey, codec: RTPAudioCodec, now: NIODeadline) -> RTPIngressStream? {
        let host = key.address.isIPv6 ? "[\(key.address)]" : "\(key.address)"
        let descriptor = CallDescriptor(
            ingress: .rtp, source: "\(host):\(key.port)", ssrc: key.ssrc, codec: codec.name)
        guard let id = sink.open(descriptor) else {
            metrics.packetsDropped(.callLimit).increment()
            return nil
        }
        var detector = codec == .pcma ? settings.aLawDetector : settings.muLawDetector
        // The hub validated the registration's timeout against the detector's bounds.
        if let ms = sink.noBeepTimeoutMs(forCall: id) { try? detector.setNoBeepTimeout(ms: ms) }
        let stream = RTPIngressStream(
            callID: id, codec: codec, reassembler: RTPStreamReassembler(configuration: settings.reassembler),
            detector: detector, now: now)
        streams[key] = stream
        logger.debug("RTP stream started", metadata: ["call": "\(id)", "stream": "\(key)", "codec": "\(codec.name)"])
        return stream
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

extension RTPAudioCodec {
    /// The codec's name as the API shows it: `"PCMU"` or `"PCMA"`.
    var name: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        }
    }

    /// The detector's encoding for this codec.
    var encoding: AudioEncoding {
        switch self {
        case .pcmu: .muLaw
        case .pcma: .aLaw
        }
    }
}
