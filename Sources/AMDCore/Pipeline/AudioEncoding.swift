/// How the samples of an incoming stream are encoded, before decoding to 16-bit linear PCM.
public enum AudioEncoding: Sendable, Hashable, CustomStringConvertible {
    /// G.711 µ-law, one byte per sample (RTP payload type 0, WAV format tag 7).
    case muLaw
    /// G.711 A-law, one byte per sample (RTP payload type 8, WAV format tag 6).
    case aLaw
    /// 16-bit signed linear PCM, little-endian, two bytes per sample.
    case linear16

    /// Bytes one sample takes in this encoding.
    public var bytesPerSample: Int {
        switch self {
        case .muLaw, .aLaw: 1
        case .linear16: 2
        }
    }

    /// The encoding's name as the command line and logs spell it.
    public var description: String {
        switch self {
        case .muLaw: "mulaw"
        case .aLaw: "alaw"
        case .linear16: "s16le"
        }
    }
}
