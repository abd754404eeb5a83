import RTP
import Testing

/// What ``RTPStreamReassembler/receive(_:payload:onEvent:)`` returns for each packet, which the daemon counts its
/// drops from.
struct RTPPacketOutcomeTests {
    /// The outcome of each datagram, in order (parse failures as nil).
    func outcomes(_ datagrams: [[UInt8]], into reassembler: inout RTPStreamReassembler) -> [RTPPacketOutcome?] {
        datagrams.map { datagram in
            datagram.withUnsafeBytes { bytes in try? reassembler.receive(datagram: bytes) { _ in } }
        }
    }

    func packet(_ sequence: UInt16, payloadType: UInt8 = 0, bytes: Int = 160) -> [UInt8] {
        makeRTP(
            sequence: sequence, timestamp: UInt32(sequence) * 160, payloadType: payloadType,
            payload: [UInt8](repeating: 0xFF, count: bytes))
    }

    @Test func eachPacketSaysWhatBecameOfIt() {
        var reassembler = RTPStreamReassembler(configuration: .init(playsInOrderPacketsAtOnce: true))
        let results = outcomes(
            [
                packet(10), packet(11), packet(12),  // held until the buffer fills once
                packet(13),  // plays the earliest, 10, and those following it: itself included
                packet(14),  // next in sequence: played at once
                packet(14),  // played already
                packet(16), packet(15),  // 16 waits for 15, which plays both
                packet(9),  // before the last played
                packet(9_000),  // far ahead: out of range, starts probation
                packet(17, bytes: 2000),  // larger than a slot
                packet(17, payloadType: 96),  // sequenced, but plays nothing
            ], into: &reassembler)
        let expected: [RTPPacketOutcome?] = [
            .buffered, .buffered, .buffered, .played, .played, .duplicate, .buffered, .played, .late, .outOfRange,
            .oversize, .unsupportedPayloadType,
        ]
        #expect(results == expected)
        #expect(reassembler.counters.duplicates == 1 && reassembler.counters.late == 1)
        #expect(reassembler.counters.outOfRange == 1 && reassembler.counters.oversize == 1)
        #expect(reassembler.counters.unsupportedPayloadType == 1)
    }
}
