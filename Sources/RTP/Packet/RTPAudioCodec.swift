/// The audio payload formats the reassembler passes on as audio: G.711 at 8 kHz, one byte per sample.
public enum RTPAudioCodec: Sendable, Hashable, CaseIterable {
    /// G.711 µ-law, static payload type 0 (RFC 3551 §6).
    case pcmu
    /// G.711 A-law, static payload type 8 (RFC 3551 §6).
    case pcma

    /// The codec of a static payload type, or nil for any other payload type.
    public init?(payloadType: UInt8) {
        switch payloadType {
        case 0: self = .pcmu
        case 8: self = .pcma
        default: return nil
        }
    }

    /// The static payload type: 0 for PCMU, 8 for PCMA.
    public var payloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        }
    }

    /// The RTP clock rate, in Hz (samples per second); both codecs carry one sample per byte at this rate.
    public static let clockRateHz = 8000
}
