// libFuzzer target: RTPPacket parsing and RTPStreamReassembler over arbitrary datagrams.
//
// The input is a sequence of datagrams, each preceded by one length byte. Every datagram is parsed; those that
// parse are fed to a small reassembler (2 slots of 64 bytes, gap fill capped at 400 samples) so that reordering,
// wrap-around, resync, oversize and telephone-event paths all see hostile input. Build and run with Fuzz/run.sh.

import RTP

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func rtpPacketFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var reassembler = RTPStreamReassembler(
        configuration: .init(
            jitterPackets: 2, maxPayloadBytes: 64, telephoneEventPayloadType: 101, maxGapFillSamples: 400))
    var emitted = 0
    var offset = 0
    while offset < input.count {
        let length = min(Int(input[offset]), input.count - offset - 1)
        let datagram = UnsafeRawBufferPointer(rebasing: input[(offset + 1)..<(offset + 1 + length)])
        offset += 1 + length
        do throws(RTPParseError) {
            let packet = try RTPPacket(parsing: datagram)
            let payload = packet.payload(in: datagram)
            precondition(payload.count == packet.payloadCount, "payload range outside the datagram")
            precondition(packet.payloadOffset + packet.payloadCount + packet.paddingCount == datagram.count)
            reassembler.receive(packet, payload: payload) { event in
                switch event {
                case .audio(_, let bytes): emitted &+= bytes.reduce(0) { $0 &+ Int($1) }
                case .silence(let samples): precondition(samples > 0 && samples <= 400)
                case .dtmf: emitted &+= 1
                }
            }
        } catch {
            precondition(!error.reason.isEmpty)
        }
    }
    reassembler.flush { _ in emitted &+= 1 }
    precondition(reassembler.bufferedPackets == 0)
    return emitted == Int.min ? 1 : 0
}
