/// One RFC 4733 §2.3 telephone-event payload: a DTMF (or other) event, its end bit, volume and duration so far.
public struct TelephoneEvent: Sendable, Hashable {
    /// The length of the event payload, in bytes.
    public static let payloadLength = 4

    /// The event code: 0–9 digits, 10 `*`, 11 `#`, 12–15 `A`–`D` (RFC 4733 §3.2); other codes are tones.
    public var event: UInt8
    /// True on the final packets of the event (the E bit).
    public var isEnd: Bool
    /// The power level, in −dBm0 (0–63).
    public var volume: UInt8
    /// The event's duration so far, in timestamp units (samples at 8 kHz) from the packet's RTP timestamp.
    public var duration: UInt16

    /// An event with the given fields.
    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// Decodes the first event of a telephone-event payload; nil when the payload is shorter than 4 bytes.
    public init?(payload: UnsafeRawBufferPointer) {
        guard payload.count >= Self.payloadLength else { return nil }
        self.init(
            event: payload[0],
            isEnd: payload[1] & 0x80 != 0,
            volume: payload[1] & 0x3F,
            duration: payload.loadUInt16BE(at: 2)
        )
    }

    /// The DTMF key this event stands for (`0`–`9`, `*`, `#`, `A`–`D`), or nil for other events.
    public var dtmfDigit: Character? {
        switch event {
        case 0...9: Character(Unicode.Scalar(UInt8(ascii: "0") + event))
        case 10: "*"
        case 11: "#"
        case 12...15: Character(Unicode.Scalar(UInt8(ascii: "A") + event - 12))
        default: nil
        }
    }
}
