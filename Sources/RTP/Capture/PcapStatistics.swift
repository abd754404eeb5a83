/// What a ``PcapReader`` passed over, in packets (records) unless said otherwise.
public struct PcapStatistics: Sendable, Hashable {
    /// Packet records read (pcap records, pcapng enhanced and simple packet blocks).
    public var records = 0
    /// UDP datagrams yielded.
    public var udpDatagrams = 0
    /// Packets that are not UDP over IPv4 or IPv6 (ARP, TCP, ICMP, …).
    public var notUDP = 0
    /// IP fragments dropped: the datagram is incomplete in any one fragment, and non-first ones carry no UDP header.
    public var fragments = 0
    /// Packets cut short (by the snap length or a bad length field) before the end of their UDP datagram.
    public var truncated = 0
    /// Packets on a link type this reader does not decode.
    public var unsupportedLinkType = 0
    /// pcapng packet blocks naming an interface that no interface description block declared.
    public var unknownInterface = 0
    /// pcapng blocks of other types, skipped.
    public var skippedBlocks = 0

    /// All counters at 0.
    public init() {}
}
