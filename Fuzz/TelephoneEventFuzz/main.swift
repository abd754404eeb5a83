// libFuzzer target: RFC 4733 telephone-event payloads. Build and run with Fuzz/run.sh.

import RTP

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func telephoneEventFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: data, count: size)
    guard let event = TelephoneEvent(payload: payload) else {
        precondition(size < 4, "a payload of 4 or more bytes must parse")
        return 0
    }
    precondition(size >= 4)
    precondition(event.volume <= 63, "volume is 6 bits")
    _ = event.dtmfDigit
    return 0
}
