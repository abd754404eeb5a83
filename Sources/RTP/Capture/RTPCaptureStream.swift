/// One RTP stream found in a capture, with its audio, silence and DTMF in stream order.
public struct RTPCaptureStream: Sendable {
    /// Source address, port and SSRC.
    public var key: RTPStreamKey
    /// The destination address of the stream's first packet.
    public var destination: IPAddress
    /// The destination UDP port of the stream's first packet.
    public var destinationPort: UInt16
    /// The codec of the stream's first audio packet, or nil when it carried none (only comfort noise or DTMF).
    public var codec: RTPAudioCodec?
    /// Capture time of the stream's first packet, in nanoseconds since the Unix epoch.
    public var firstCaptureNs: Int64
    /// Audio (consecutive packets of one codec joined), silence and DTMF, in stream order.
    public var events: [RTPCaptureEvent]
    /// The reassembler's counters at the end of the capture.
    public var counters: RTPStreamCounters

    /// The stream's duration, in samples at 8 kHz (audio and silence).
    public var durationSamples: Int { counters.audioSamples + counters.silenceSamples }

    /// A stream with the given fields.
    public init(
        key: RTPStreamKey, destination: IPAddress, destinationPort: UInt16, codec: RTPAudioCodec?,
        firstCaptureNs: Int64, events: [RTPCaptureEvent] = [], counters: RTPStreamCounters = RTPStreamCounters()
    ) {
        self.key = key
        self.destination = destination
        self.destinationPort = destinationPort
        self.codec = codec
        self.firstCaptureNs = firstCaptureNs
        self.events = events
        self.counters = counters
    }
}
