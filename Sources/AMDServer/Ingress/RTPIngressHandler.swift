import AMDCore
import Logging
import Metrics
import NIOCore
import RTP

/// One RTP socket's receive path: allow-list, source admission, per-stream state, detection, reports to the
/// ``CallSink``.
///
/// Streams are keyed by ``RTPStreamKey`` (source address, source port, SSRC: a new SSRC from the same address is a
/// new stream) in a dictionary owned by the channel's event loop (every method runs there), so the per-packet path
/// takes no lock. A new source must pass probation (``RTPSourceAdmission``) before it gets a call, so a flood of
/// random SSRCs fills only the small probation table, never the hub's call slots; at the hub's limit a proven
/// stream is dropped as `call_limit` and the streams already tracked keep working.
///
/// Per datagram: parse the header in place (``RTPPacket``), look the stream up, hand the packet to its
/// ``RTPStreamReassembler``, count what it dropped from the ``RTPPacketOutcome`` it returns, and feed what plays
/// out to its ``StreamDetector``. Nothing is allocated per datagram beyond what NIO gives; a stream's buffers are
/// allocated when its first audio packet opens the call. Time (arrival, idle timeout, probation) is the event
/// loop's clock, `context.eventLoop.now`, so a test drives it with `EmbeddedEventLoop.advanceTime(by:)`.
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

    /// The stream table is reserved up to this many streams at start; beyond it, it grows as calls come.
    private static let maxReservedStreams = 4096
    /// The idle sweep runs every quarter of the idle timeout, within these bounds.
    private static let sweepIntervalBounds = TimeAmount.milliseconds(20)...TimeAmount.seconds(1)
    /// The sweep runs this many times per idle timeout, so a stream ends at most a quarter late.
    private static let sweepsPerIdleTimeout: Int64 = 4
    /// Comfort noise (RFC 3389), a static payload type; before a stream's first audio it is dropped.
    private static let comfortNoisePayloadType: UInt8 = 13

    private let settings: Settings
    private let sink: any CallSink
    private let metrics: ServerMetrics
    /// Where every call's audio and detector seconds go (datagrams are counted per datagram).
    private let callMetrics: IngressMetrics
    private let logger: Logger
    /// The socket's streams.
    private var streams: [RTPStreamKey: RTPIngressStream] = [:]
    /// Sources not yet proven.
    private var admission: RTPSourceAdmission
    private var sweepTask: RepeatedTask?

    init(settings: Settings, sink: any CallSink, metrics: ServerMetrics, logger: Logger) {
        self.settings = settings
        self.sink = sink
        self.metrics = metrics
        callMetrics = IngressMetrics(server: metrics, units: nil)
        self.logger = logger
        admission = RTPSourceAdmission(configuration: settings.admission)
        streams.reserveCapacity(min(settings.maxStreams, Self.maxReservedStreams))
    }

    func channelActive(context: ChannelHandlerContext) {
        let quarter = TimeAmount.nanoseconds(TimeAmount(settings.idleTimeout).nanoseconds / Self.sweepsPerIdleTimeout)
        let interval = min(max(quarter, Self.sweepIntervalBounds.lowerBound), Self.sweepIntervalBounds.upperBound)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        sweepTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.endIdleStreams(now: eventLoop.now)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweepTask?.cancel()
        sweepTask = nil
        let all = streams
        streams.removeAll()
        for (_, stream) in all { end(stream, reason: .shutdown) }
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
        let port = UInt16(truncatingIfNeeded: envelope.remoteAddress.port ?? 0)
        receive(envelope.data, from: address, port: port, now: context.eventLoop.now)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("RTP socket error", metadata: ["error": "\(error)"])
    }

    // MARK: - Streams

    /// Ends the streams that received nothing for the idle timeout: plays out their jitter buffers, reports the
    /// last counters and closes their calls.
    private func endIdleStreams(now: NIODeadline) {
        let limit = TimeAmount(settings.idleTimeout)
        var idle: [RTPStreamKey] = []
        for (key, stream) in streams where now - stream.lastPacketAt >= limit { idle.append(key) }
        for key in idle {
            guard let stream = streams.removeValue(forKey: key) else { continue }
            end(stream, reason: .idle)
        }
    }

    /// Flushes a stream's jitter buffer into its detector, then ends its call.
    private func end(_ stream: RTPIngressStream, reason: CallEndReason) {
        stream.reassembler.flush { event in play(event, on: stream) }
        stream.reporter.setPacketsLost(Int64(stream.reassembler.counters.lost))
        stream.reporter.end(&stream.detector, reason: reason)
    }

    /// Starts tracking a stream whose source was just admitted, unless the hub is at its call limit (which the
    /// hub counts in `amd_calls_rejected_total`; the packet is dropped as `call_limit`).
    private func openStream(_ key: RTPStreamKey, codec: RTPAudioCodec, now: NIODeadline) -> RTPIngressStream? {
        let host = key.address.isIPv6 ? "[\(key.address)]" : "\(key.address)"
        let descriptor = CallDescriptor(
            ingress: .rtp, source: "\(host):\(key.port)", ssrc: key.ssrc, codec: codec.name)
        guard let id = sink.open(descriptor) else {
            metrics.packetsDropped(.callLimit).increment()
            return nil
        }
        var detector = codec == .pcma ? settings.aLawDetector : settings.muLawDetector
        let reporter = CallReporter(
            callID: id, sink: sink, sampleRate: RTPAudioCodec.clockRateHz, metrics: callMetrics)
        reporter.applyNoBeepTimeout(to: &detector)
        let stream = RTPIngressStream(
            reporter: reporter, codec: codec, reassembler: RTPStreamReassembler(configuration: settings.reassembler),
            detector: detector, now: now)
        streams[key] = stream
        logger.debug("RTP stream started", metadata: ["call": "\(id)", "stream": "\(key)", "codec": "\(codec.name)"])
        return stream
    }

    // MARK: - Receive

    /// Handles one datagram from an allowed source: parse, find the stream or admit its source, reassemble,
    /// detect, report.
    ///
    /// Datagrams that are not RTP are counted by ``RTPParseError/reason``. A source's first PCMU or PCMA packet
    /// starts its probation (``RTPSourceAdmission``); the next one in sequence opens the call
    /// (``CallSink/open(_:)``) and both are played. A source a registration names opens at its first packet.
    /// Comfort noise or DTMF before any audio is dropped as `before_audio`. Beeps go to the sink as soon as the
    /// detector reports them; the counters every ``CallCounters/reportIntervalMs`` of stream time.
    /// - Parameters:
    ///   - datagram: the UDP payload.
    ///   - address: the sender's address.
    ///   - port: the sender's UDP port.
    ///   - now: the arrival time on the event loop's clock, for the idle timeout and probation.
    private func receive(_ datagram: ByteBuffer, from address: IPAddress, port: UInt16, now: NIODeadline) {
        datagram.withUnsafeReadableBytes { bytes in
            let packet: RTPPacket
            do throws(RTPParseError) {
                packet = try RTPPacket(parsing: bytes)
            } catch {
                metrics.packetsDropped(ServerMetrics.DropReason(error)).increment()
                return
            }
            let key = RTPStreamKey(address: address, port: port, ssrc: packet.ssrc)
            if let stream = streams[key] {
                take(packet, bytes: bytes, on: stream, now: now)
                return
            }
            guard let codec = RTPAudioCodec(payloadType: packet.payloadType) else {
                let isSignalling =
                    packet.payloadType == Self.comfortNoisePayloadType
                    || packet.payloadType == settings.reassembler.telephoneEventPayloadType
                metrics.packetsDropped(isSignalling ? .beforeAudio : .unsupportedPayload).increment()
                return
            }
            admit(key, codec: codec, packet: packet, bytes: bytes, now: now)
        }
    }

    /// Runs a packet of a source without a call through admission; opens the call when the source is proven
    /// (or registered) and plays the held packet, then this one.
    private func admit(
        _ key: RTPStreamKey, codec: RTPAudioCodec, packet: RTPPacket, bytes: UnsafeRawBufferPointer, now: NIODeadline
    ) {
        if sink.isRegistered(address: key.address, port: key.port, ssrc: key.ssrc) {
            guard let stream = openStream(key, codec: codec, now: now) else { return }
            take(packet, bytes: bytes, on: stream, now: now)
            return
        }
        let transport = RTPSourceAdmission.Transport(address: key.address, port: key.port)
        switch admission.offer(transport, ssrc: key.ssrc, sequence: packet.sequenceNumber, datagram: bytes, now: now) {
        case .hold(let discarded):
            if discarded { metrics.packetsDropped(.probation).increment() }
        case .tableFull:
            metrics.packetsDropped(.probationFull).increment()
        case .refusedRecently:
            metrics.packetsDropped(.callLimit).increment()
        case .admit(let held):
            guard let stream = openStream(key, codec: codec, now: now) else {
                admission.refused(transport, now: now)
                return
            }
            if let held {
                admission.heldPacket(held) { heldBytes in
                    // The held datagram parsed when it came; parsing the same bytes again cannot fail.
                    guard let first = try? RTPPacket(parsing: heldBytes) else { return }
                    take(first, bytes: heldBytes, on: stream, now: now)
                }
            }
            admission.admitted(transport)
            take(packet, bytes: bytes, on: stream, now: now)
        }
    }

    /// Gives one packet of a tracked stream to its reassembler and detector, counts a drop, and reports when due.
    private func take(
        _ packet: RTPPacket, bytes: UnsafeRawBufferPointer, on stream: RTPIngressStream, now: NIODeadline
    ) {
        stream.lastPacketAt = now
        stream.reporter.countPacket()
        let outcome = stream.reassembler.receive(packet, payload: packet.payload(in: bytes)) { event in
            play(event, on: stream)
        }
        // Outputs found while the packet played carry the lost count as of the previous datagram.
        stream.reporter.setPacketsLost(Int64(stream.reassembler.counters.lost))
        if let reason = ServerMetrics.DropReason(outcome) { metrics.packetsDropped(reason).increment() }
        stream.reporter.reportCountersIfDue()
    }

    // MARK: - Play-out

    /// Feeds one reassembler event to the stream's detector (audio, silence) or the sink (DTMF).
    ///
    /// Runs inside the reassembler's callback, so it must not touch `stream.reassembler`.
    private func play(_ event: RTPStreamEvent, on stream: RTPIngressStream) {
        switch event {
        case .audio(let payloadType, let payload):
            // A stream may switch law mid-call; the detector decodes the other law and keeps its state.
            let law = RTPAudioCodec(payloadType: payloadType)?.encoding ?? stream.codec.encoding
            detect(on: stream) { detector, onOutput in detector.process(payload, law: law, onOutput: onOutput) }
        case .silence(let samples):
            detect(on: stream) { detector, onOutput in
                detector.processSilence(sampleCount: samples, onOutput: onOutput)
            }
        case .dtmf(let digit):
            stream.reporter.dtmf(String(digit))
        }
    }

    /// Runs `feed` on the stream's detector through its reporter, which passes what the hub publishes on after the
    /// detector returns; logs beeps and the tones the detector rejected.
    private func detect(
        on stream: RTPIngressStream,
        _ feed: (inout StreamDetector, (BeepDetector.Output) -> Void) -> Void
    ) {
        // Read before: the reporter is busy while the detector runs.
        let callID = stream.callID
        stream.reporter.detect(&stream.detector, observe: { output in log(output, call: callID) }, feed)
    }

    /// Logs a beep (info) or a rejected beep-like tone (debug).
    private func log(_ output: BeepDetector.Output, call callID: String) {
        switch output {
        case .beep(let event):
            logger.info(
                "beep", metadata: ["call": "\(callID)", "onset_ms": "\(event.onsetMs)", "hz": "\(event.frequencyHz)"])
        case .rejection(let rejection):
            logger.debug("beep-like tone rejected", metadata: ["call": "\(callID)", "rejection": "\(rejection)"])
        case .answer, .machineEnd, .candidate: break
        }
    }
}

extension ServerMetrics.DropReason {
    /// The drop reason of a packet the reassembler refused, or nil when it took the packet.
    init?(_ outcome: RTPPacketOutcome) {
        switch outcome {
        case .played, .buffered: return nil
        case .unsupportedPayloadType: self = .unsupportedPayload
        case .duplicate: self = .duplicate
        case .late: self = .late
        case .outOfRange: self = .outOfRange
        case .oversize: self = .oversize
        }
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
