/// What an ``RTPStreamReassembler`` emits, in stream (RTP timestamp) order.
///
/// Not `Sendable`: ``audio(payloadType:payload:)`` lends bytes that are valid only during the callback.
public enum RTPStreamEvent {
    /// G.711 audio, one byte per sample at 8 kHz: `payloadType` 0 is PCMU, 8 is PCMA. `payload` is valid only
    /// during the callback; copy it to keep it.
    case audio(payloadType: UInt8, payload: UnsafeRawBufferPointer)
    /// `samples` samples (at 8 kHz) of silence standing for lost packets, comfort noise (RFC 3389), a pause in
    /// transmission or a timestamp jump.
    case silence(samples: Int)
    /// A new DTMF key press (RFC 4733 telephone-event), reported once per event: `0`–`9`, `*`, `#`, `A`–`D`.
    case dtmf(Character)
}
