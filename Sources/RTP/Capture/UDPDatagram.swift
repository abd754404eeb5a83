/// One UDP datagram found in a capture: when it was captured, its endpoints, and where its payload is in the file.
public struct UDPDatagram: Sendable, Hashable {
    /// Capture time, in nanoseconds since the Unix epoch (0 for pcapng simple packet blocks, which have none).
    public var timestampNs: Int64
    /// The IP source address.
    public var source: IPAddress
    /// The UDP source port.
    public var sourcePort: UInt16
    /// The IP destination address.
    public var destination: IPAddress
    /// The UDP destination port.
    public var destinationPort: UInt16
    /// Where the UDP payload starts, in bytes from the start of the capture file image.
    public var payloadOffset: Int
    /// The UDP payload's length, in bytes.
    public var payloadCount: Int

    /// A datagram with the given fields.
    public init(
        timestampNs: Int64, source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16,
        payloadOffset: Int, payloadCount: Int
    ) {
        self.timestampNs = timestampNs
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        self.payloadOffset = payloadOffset
        self.payloadCount = payloadCount
    }

    /// The payload's bytes within `capture`, the file image the datagram was read from; empty when the range does
    /// not fit `capture`.
    public func payload(in capture: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        capture.checkedSlice(offset: payloadOffset, count: payloadCount)
    }
}
