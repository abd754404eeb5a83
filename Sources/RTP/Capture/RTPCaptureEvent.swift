/// An owned ``RTPStreamEvent``: what ``RTPCaptureDemuxer/streams(in:)`` keeps of a stream.
public enum RTPCaptureEvent: Sendable, Hashable {
    /// G.711 audio at 8 kHz, one byte per sample.
    case audio(codec: RTPAudioCodec, bytes: [UInt8])
    /// `samples` samples of silence (at 8 kHz) for loss, comfort noise or a timestamp jump.
    case silence(samples: Int)
    /// A DTMF key press.
    case dtmf(Character)
}
