import AMDCore
import Logging
import Metrics
import NIOCore

/// One RTP socket's receive path: allow-list, per-stream state, detection, reports to the ``CallSink``.
///
/// Streams are keyed by (source address, source port, SSRC) in a dictionary owned by the channel's event loop
/// (every method runs there), so the per-packet path takes no lock. The dictionary never holds more than
/// `maxStreams` entries: a flood of random SSRCs is dropped as `call_limit` once the hub is full, and the
/// streams already tracked keep working.
final class RTPIngressHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// What the handler needs from the configuration.
    struct Settings: Sendable {
        /// A stream ends after this long without packets.
        var idleTimeout: Duration
        /// Sources allowed; empty allows all.
        var allow: [CIDR]
        /// Streams tracked at most by this socket.
        var maxStreams: Int
    }

    /// A tracked stream.
    struct StreamKey: Hashable {
        var source: SocketAddress
        var ssrc: UInt32
    }

    /// Per-stream state, created when a stream's first packet arrives and sized then.
    struct StreamState {
        var callID: String
        var detector: StreamDetector
        var counters = CallCounters()
        var lastPacketAt: NIODeadline
        /// `audioMs` at the last counters report to the hub.
        var reportedAudioMs: Int64 = 0
    }

    /// Counters are sent to the hub every this many stream milliseconds.
    static let reportIntervalMs: Int64 = 500

    let settings: Settings
    let sink: any CallSink
    let metrics: ServerMetrics
    let logger: Logger
    var streams: [StreamKey: StreamState] = [:]
    private var sweepTask: RepeatedTask?

    init(settings: Settings, sink: any CallSink, metrics: ServerMetrics, logger: Logger) {
        self.settings = settings
        self.sink = sink
        self.metrics = metrics
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let interval = TimeAmount.milliseconds(max(50, min(1000, Self.milliseconds(settings.idleTimeout) / 4)))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        sweepTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.endIdleStreams(now: .now())
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweepTask?.cancel()
        sweepTask = nil
        for (_, stream) in streams {
            sink.close(stream.callID, counters: stream.counters, reason: "shutdown")
        }
        streams.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        metrics.packetsReceived.increment()
        if !settings.allow.isEmpty, !settings.allow.contains(where: { $0.contains(envelope.remoteAddress) }) {
            metrics.packetsDropped(.notAllowed).increment()
            return
        }
        receive(envelope.data, from: envelope.remoteAddress, now: .now())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("RTP socket error", metadata: ["error": "\(error)"])
    }

    /// Ends the streams that received nothing for the idle timeout.
    func endIdleStreams(now: NIODeadline) {
        let limit = TimeAmount.milliseconds(Self.milliseconds(settings.idleTimeout))
        let idle = streams.filter { now - $0.value.lastPacketAt >= limit }
        for (key, stream) in idle {
            streams[key] = nil
            sink.close(stream.callID, counters: stream.counters, reason: "idle")
        }
    }

    /// Starts tracking a stream, unless the hub is at its call limit.
    func openStream(_ key: StreamKey, codec: String, encoding: AudioEncoding, now: NIODeadline) -> Bool {
        guard streams.count < settings.maxStreams else {
            metrics.packetsDropped(.callLimit).increment()
            return false
        }
        let source = "\(key.source.ipAddress ?? "?"):\(key.source.port ?? 0)"
        let detector: StreamDetector
        do {
            detector = try StreamDetector(encoding: encoding, sampleRate: 8000)
        } catch {
            logger.error("cannot start a detector", metadata: ["source": "\(source)", "error": "\(error)"])
            metrics.packetsDropped(.unsupportedPayload).increment()
            return false
        }
        guard let id = sink.open(CallDescriptor(ingress: .rtp, source: source, ssrc: key.ssrc, codec: codec)) else {
            metrics.packetsDropped(.callLimit).increment()
            return false
        }
        streams[key] = StreamState(callID: id, detector: detector, lastPacketAt: now)
        return true
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
