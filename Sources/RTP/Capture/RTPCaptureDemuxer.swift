/// Splits a capture's RTP into streams (by ``RTPStreamKey``) and reassembles each: what `amd-edge detect FILE.pcap`
/// reads.
///
/// A UDP payload counts as RTP when it parses as RTP version 2 with payload type 0 (PCMU), 8 (PCMA), 13 (comfort
/// noise) or the configured telephone-event type; anything else (SIP, RTCP, other codecs) is counted and skipped.
public struct RTPCaptureDemuxer: Sendable {
    /// The configuration of every stream's reassembler.
    public let configuration: RTPStreamReassembler.Configuration
    /// What the capture reader passed over (after ``forEachEvent(in:_:)``).
    public private(set) var captureStatistics = PcapStatistics()
    /// UDP payloads that did not parse as RTP, by ``RTPParseError/reason``.
    public private(set) var parseErrors: [String: Int] = [:]
    /// RTP packets skipped because their payload type is not one the reassembler plays.
    public private(set) var otherPayloadTypes = 0

    private struct StreamState: Sendable {
        var stream: RTPCaptureStream
        var reassembler: RTPStreamReassembler
    }

    private var indexByKey: [RTPStreamKey: Int] = [:]
    private var states: [StreamState] = []

    /// A demuxer whose streams are reassembled with `configuration`.
    public init(configuration: RTPStreamReassembler.Configuration = RTPStreamReassembler.Configuration()) {
        self.configuration = configuration
    }

    /// Reads a whole capture, calling `body` with each stream's events in that stream's order (streams interleave
    /// as their packets do); the jitter buffers are flushed at the end, stream by stream in order of appearance.
    /// Each call starts afresh: streams, ``parseErrors`` and ``otherPayloadTypes`` describe the last capture read.
    ///
    /// - Returns: The streams in order of first appearance, with their counters, without events.
    /// - Throws: ``PcapError`` for a bad file; the events before the fault have been given to `body`, unflushed.
    @discardableResult
    public mutating func forEachEvent(
        in capture: [UInt8], _ body: (RTPStreamKey, RTPStreamEvent) -> Void
    ) throws(PcapError) -> [RTPCaptureStream] {
        indexByKey.removeAll()
        states.removeAll()
        parseErrors.removeAll()
        otherPayloadTypes = 0
        var reader = try PcapReader(capture)
        defer { captureStatistics = reader.statistics }
        try reader.forEach { datagram, payload in
            take(datagram, payload: payload, body)
        }
        for index in states.indices {
            let key = states[index].stream.key
            states[index].reassembler.flush { body(key, $0) }
            states[index].stream.counters = states[index].reassembler.counters
        }
        return states.map(\.stream)
    }

    /// Reads a whole capture and returns its RTP streams, in order of first appearance, with their events.
    ///
    /// - Throws: ``PcapError`` for a bad file.
    public mutating func streams(in capture: [UInt8]) throws(PcapError) -> [RTPCaptureStream] {
        var collectors: [RTPStreamKey: EventCollector] = [:]
        var streams = try forEachEvent(in: capture) { key, event in
            collectors[key, default: EventCollector()].add(event)
        }
        for index in streams.indices {
            streams[index].events = collectors[streams[index].key]?.finished() ?? []
        }
        return streams
    }

    /// Turns one stream's lent events into owned ones, joining consecutive audio of one codec and adjacent silences.
    private struct EventCollector {
        var events: [RTPCaptureEvent] = []
        var audio: [UInt8] = []
        var audioCodec: RTPAudioCodec? = nil

        mutating func add(_ event: RTPStreamEvent) {
            switch event {
            case .audio(let payloadType, let payload):
                guard let codec = RTPAudioCodec(payloadType: payloadType) else { return }
                if codec != audioCodec { endAudio() }
                audioCodec = codec
                audio.append(contentsOf: payload)
            case .silence(let samples):
                endAudio()
                if case .silence(let before)? = events.last {
                    events[events.count - 1] = .silence(samples: before + samples)
                } else {
                    events.append(.silence(samples: samples))
                }
            case .dtmf(let digit):
                endAudio()
                events.append(.dtmf(digit))
            }
        }

        mutating func endAudio() {
            if let codec = audioCodec, !audio.isEmpty { events.append(.audio(codec: codec, bytes: audio)) }
            audio.removeAll()
            audioCodec = nil
        }

        mutating func finished() -> [RTPCaptureEvent] {
            endAudio()
            return events
        }
    }

    /// Routes one UDP datagram to its stream's reassembler, if it is RTP we play.
    private mutating func take(
        _ datagram: UDPDatagram, payload: UnsafeRawBufferPointer, _ body: (RTPStreamKey, RTPStreamEvent) -> Void
    ) {
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: payload)
        } catch {
            parseErrors[error.reason, default: 0] += 1
            return
        }
        let payloadType = packet.payloadType
        guard
            payloadType == 0 || payloadType == 8 || payloadType == 13
                || payloadType == configuration.telephoneEventPayloadType
        else {
            otherPayloadTypes += 1
            return
        }
        let key = RTPStreamKey(address: datagram.source, port: datagram.sourcePort, ssrc: packet.ssrc)
        let index: Int
        if let known = indexByKey[key] {
            index = known
        } else {
            index = states.count
            indexByKey[key] = index
            let stream = RTPCaptureStream(
                key: key, destination: datagram.destination, destinationPort: datagram.destinationPort, codec: nil,
                firstCaptureNs: datagram.timestampNs)
            states.append(StreamState(stream: stream, reassembler: RTPStreamReassembler(configuration: configuration)))
        }
        if states[index].stream.codec == nil { states[index].stream.codec = RTPAudioCodec(payloadType: payloadType) }
        states[index].reassembler.receive(packet, payload: packet.payload(in: payload)) { body(key, $0) }
    }
}
