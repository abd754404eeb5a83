import RTP
import Testing

struct RTPStreamReassemblerTests {
    /// 20 ms PCMU packets `sequences[i]` at timestamp `base + 160 × (sequence offset)`, payload byte = low seq byte.
    func packets(_ sequences: [UInt16], first: UInt16 = 1, timestampBase: UInt32 = 1000) -> [[UInt8]] {
        sequences.map { sequence in
            let offset = UInt32(UInt16(sequence &- first))
            return makeRTP(
                sequence: sequence, timestamp: timestampBase &+ 160 &* offset,
                payload: [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 160))
        }
    }

    @Test func holdsThreePacketsThenPlaysInOrder() {
        var reassembler = RTPStreamReassembler()
        let held = reassemble(packets([1, 2, 3]), into: &reassembler, flush: false)
        #expect(held.isEmpty)
        #expect(reassembler.bufferedPackets == 3)
        var events = reassemble(packets([4]), into: &reassembler, flush: false)
        #expect(events == ["a0:160:1"])
        reassembler.flush { events.append(Emitted($0).summary) }
        #expect(events == ["a0:160:1", "a0:160:2", "a0:160:3", "a0:160:4"])
        #expect(reassembler.counters.packets == 4)
        #expect(reassembler.counters.lost == 0)
        #expect(reassembler.streamSamples == 640)
        #expect(reassembler.streamTimeMs == 80)
    }

    @Test func inOrderPacketsPlayAtOnceAfterTheFirstFill() {
        var reassembler = RTPStreamReassembler(configuration: .init(playsInOrderPacketsAtOnce: true))
        // The start is held until the buffer fills once, so a reordered start is still put right.
        #expect(reassemble(packets([2, 1, 3]), into: &reassembler, flush: false).isEmpty)
        #expect(reassemble(packets([4]), into: &reassembler, flush: false) == (1...4).map { "a0:160:\($0)" })
        // From then on each packet in sequence plays as it arrives.
        #expect(reassemble(packets([5]), into: &reassembler, flush: false) == ["a0:160:5"])
        // A gap holds what follows it until the missing packet comes…
        #expect(reassemble(packets([7, 8]), into: &reassembler, flush: false).isEmpty)
        #expect(reassemble(packets([6]), into: &reassembler, flush: false) == ["a0:160:6", "a0:160:7", "a0:160:8"])
        // …or until the buffer is full, when the missing one counts as lost.
        #expect(reassemble(packets([10, 11, 12]), into: &reassembler, flush: false).isEmpty)
        let afterLoss = reassemble(packets([13]), into: &reassembler, flush: false)
        #expect(afterLoss == ["s160", "a0:160:10", "a0:160:11", "a0:160:12", "a0:160:13"])
        #expect(reassembler.counters.lost == 1)
        #expect(reassembler.counters.reordered == 2)
        #expect(reassembler.bufferedPackets == 0)
    }

    @Test func reordersWithinTheBuffer() {
        var reassembler = RTPStreamReassembler()
        let events = reassemble(packets([1, 3, 2, 5, 4, 6]), into: &reassembler)
        #expect(events == (1...6).map { "a0:160:\($0)" })
        #expect(reassembler.counters.reordered == 2)
        #expect(reassembler.counters.lost == 0)
        #expect(reassembler.counters.late == 0)
    }

    @Test func newPacketEarlierThanAllBufferedPlaysFirst() {
        var reassembler = RTPStreamReassembler(configuration: .init(jitterPackets: 2))
        // 1 is never seen: 3 and 4 are buffered, then 2 arrives with the buffer full and is played at once.
        let events = reassemble(packets([3, 4, 2, 5]), into: &reassembler)
        #expect(events == ["a0:160:2", "a0:160:3", "a0:160:4", "a0:160:5"])
        #expect(reassembler.counters.reordered == 1)
    }

    @Test func dropsAndCountsDuplicates() {
        var reassembler = RTPStreamReassembler()
        let buffered = reassemble(packets([1, 2, 2, 3, 4, 5, 1, 3]), into: &reassembler)
        #expect(buffered == (1...5).map { "a0:160:\($0)" })
        #expect(reassembler.counters.duplicates == 3)  // 2 while buffered, 1 and 3 after being played
        #expect(reassembler.counters.late == 0)
    }

    @Test func dropsAndCountsLatePackets() {
        var reassembler = RTPStreamReassembler(configuration: .init(jitterPackets: 1))
        let events = reassemble(packets([1, 3, 4, 2]), into: &reassembler)
        #expect(events == ["a0:160:1", "s160", "a0:160:3", "a0:160:4"])
        #expect(reassembler.counters.late == 1)
        #expect(reassembler.counters.lost == 1)
    }

    @Test func fillsLossWithSilence() {
        var reassembler = RTPStreamReassembler()
        let events = reassemble(packets([1, 2, 5, 6]), into: &reassembler)
        #expect(events == ["a0:160:1", "a0:160:2", "s320", "a0:160:5", "a0:160:6"])
        #expect(reassembler.counters.lost == 2)
        #expect(reassembler.counters.silenceSamples == 320)
        #expect(reassembler.streamSamples == 960)
    }

    @Test func sequenceWrapsAround() {
        var reassembler = RTPStreamReassembler()
        let events = reassemble(packets([65534, 65535, 1, 0, 2], first: 65534), into: &reassembler)
        #expect(events == ["a0:160:254", "a0:160:255", "a0:160:0", "a0:160:1", "a0:160:2"])
        #expect(reassembler.counters.lost == 0)
        #expect(reassembler.counters.reordered == 1)
        #expect(reassembler.counters.silenceSamples == 0)
    }

    @Test func timestampWrapsAround() {
        var reassembler = RTPStreamReassembler()
        let base = UInt32.max - 319  // 2^32 − 320: the third packet has timestamp 0
        let events = reassemble(packets([10, 11, 12, 14], first: 10, timestampBase: base), into: &reassembler)
        #expect(events == ["a0:160:10", "a0:160:11", "a0:160:12", "s160", "a0:160:14"])
        #expect(reassembler.counters.resyncs == 0)
        #expect(reassembler.streamSamples == 800)
    }

    @Test func bigForwardJumpIsCappedAndCountedAsResync() {
        var reassembler = RTPStreamReassembler()
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 0), makeRTP(sequence: 2, timestamp: 160),
            makeRTP(sequence: 3, timestamp: 160 + 8000 * 600),  // ten minutes later
            makeRTP(sequence: 4, timestamp: 160 + 8000 * 600 + 160),
        ]
        let events = reassemble(datagrams, into: &reassembler)
        #expect(events == ["a0:160:255", "a0:160:255", "s8000", "a0:160:255", "a0:160:255"])
        #expect(reassembler.counters.resyncs == 1)
        #expect(reassembler.counters.lost == 0)
    }

    @Test func talkspurtAfterAPauseIsNotAResync() {
        var reassembler = RTPStreamReassembler(configuration: .init(maxGapFillSamples: 4000))
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 0), makeRTP(sequence: 2, timestamp: 16000, marker: true),
        ]
        #expect(reassemble(datagrams, into: &reassembler) == ["a0:160:255", "s4000", "a0:160:255"])
        #expect(reassembler.counters.resyncs == 0)
    }

    @Test func backwardJumpRealignsAndCounts() {
        var reassembler = RTPStreamReassembler()
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 50_000), makeRTP(sequence: 2, timestamp: 50_160),
            makeRTP(sequence: 3, timestamp: 7), makeRTP(sequence: 4, timestamp: 167),
        ]
        let events = reassemble(datagrams, into: &reassembler)
        #expect(events == ["a0:160:255", "a0:160:255", "a0:160:255", "a0:160:255"])
        #expect(reassembler.counters.resyncs == 1)
    }

    @Test func comfortNoiseBecomesSilence() {
        var reassembler = RTPStreamReassembler()
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 0),
            makeRTP(sequence: 2, timestamp: 160, payloadType: 13, payload: [40]),  // RFC 3389: noise level only
            makeRTP(sequence: 3, timestamp: 1600, marker: true),
            makeRTP(sequence: 4, timestamp: 1760, payloadType: 8, payload: [0xD5, 0xD5]),
        ]
        let events = reassemble(datagrams, into: &reassembler)
        #expect(events == ["a0:160:255", "s1440", "a0:160:255", "a8:2:213"])
        #expect(reassembler.counters.comfortNoise == 1)
        #expect(reassembler.counters.resyncs == 0)
        #expect(reassembler.counters.lost == 0)
    }

    @Test func telephoneEventsAreReportedOncePerKey() {
        var reassembler = RTPStreamReassembler(configuration: .init(telephoneEventPayloadType: 96))
        var datagrams = [makeRTP(sequence: 1, timestamp: 0)]
        // Key 5 starting at 160: three updates, then the end packet sent three times (RFC 4733 §2.5.1.4).
        for (index, duration) in [160, 320, 480].enumerated() {
            datagrams.append(
                makeRTP(
                    sequence: UInt16(2 + index), timestamp: 160, payloadType: 96, marker: index == 0,
                    payload: telephoneEvent(5, duration: UInt16(duration))))
        }
        for index in 0..<3 {
            datagrams.append(
                makeRTP(
                    sequence: UInt16(5 + index), timestamp: 160, payloadType: 96,
                    payload: telephoneEvent(5, end: true, duration: 640)))
        }
        datagrams.append(
            makeRTP(sequence: 8, timestamp: 800, payloadType: 96, payload: telephoneEvent(11, duration: 160)))
        datagrams.append(
            makeRTP(sequence: 9, timestamp: 800, payloadType: 96, payload: telephoneEvent(11, end: true, duration: 320))
        )
        datagrams.append(makeRTP(sequence: 10, timestamp: 1120))
        let events = reassemble(datagrams, into: &reassembler)
        #expect(events == ["a0:160:255", "d5", "d#", "s960", "a0:160:255"])
        #expect(reassembler.counters.dtmfEvents == 2)
        #expect(reassembler.counters.lost == 0)
    }

    @Test func defaultTelephoneEventTypeIs101() {
        var reassembler = RTPStreamReassembler()
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 0, payloadType: 101, payload: telephoneEvent(14, duration: 160)),
            makeRTP(sequence: 2, timestamp: 0, payloadType: 101, payload: telephoneEvent(14, end: true, duration: 320)),
            makeRTP(sequence: 3, timestamp: 800, payloadType: 101, payload: telephoneEvent(14, duration: 160)),
        ]
        #expect(reassemble(datagrams, into: &reassembler) == ["dC", "dC"])
    }

    @Test func oversizeAndUnknownPayloadTypesAreCounted() {
        var reassembler = RTPStreamReassembler(configuration: .init(maxPayloadBytes: 200))
        let datagrams = [
            makeRTP(sequence: 1, timestamp: 0),
            makeRTP(sequence: 2, timestamp: 160, payload: [UInt8](repeating: 1, count: 201)),
            makeRTP(sequence: 3, timestamp: 320, payloadType: 18, payload: [1, 2, 3]),
            makeRTP(sequence: 4, timestamp: 480),
        ]
        #expect(reassemble(datagrams, into: &reassembler) == ["a0:160:255", "s320", "a0:160:255"])
        #expect(reassembler.counters.oversize == 1)
        #expect(reassembler.counters.unsupportedPayloadType == 1)
        #expect(reassembler.counters.lost == 1)
    }

    @Test func largerPacketsWidenTheSlotsAndKeepWhatIsBuffered() {
        // Slots start sized for 20 ms of G.711; 50 ms and 125 ms packets arrive while others are buffered.
        let sizes: [UInt16: Int] = [1: 160, 2: 160, 3: 400, 4: 1000]
        var timestamp: UInt32 = 1000
        var datagrams: [UInt16: [UInt8]] = [:]
        for sequence: UInt16 in 1...4 {
            let size = sizes[sequence] ?? 0
            // Every byte differs, so a payload moved to the wrong place or cut short shows.
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: Int(sequence) &* 37 &+ $0) }
            datagrams[sequence] = makeRTP(sequence: sequence, timestamp: timestamp, payload: payload)
            timestamp += UInt32(size)
        }
        var reassembler = RTPStreamReassembler()
        var played: [Emitted] = []
        for sequence: UInt16 in [2, 1, 3, 4] {
            datagrams[sequence]?.withUnsafeBytes { bytes in
                _ = try? reassembler.receive(datagram: bytes) { played.append(Emitted($0)) }
            }
        }
        reassembler.flush { played.append(Emitted($0)) }
        let expected = (1...4).map { (sequence: Int) in
            Emitted.audio(0, (0..<(sizes[UInt16(sequence)] ?? 0)).map { UInt8(truncatingIfNeeded: sequence * 37 + $0) })
        }
        #expect(played == expected)
        #expect(reassembler.counters.oversize == 0)
        #expect(reassembler.counters.lost == 0)
    }

    @Test func sequenceRestartNeedsTwoPacketsInARow() {
        var reassembler = RTPStreamReassembler(configuration: .init(jitterPackets: 0))
        let datagrams = [
            makeRTP(sequence: 100, timestamp: 0), makeRTP(sequence: 101, timestamp: 160),
            makeRTP(sequence: 40000, timestamp: 320),  // stray: dropped
            makeRTP(sequence: 102, timestamp: 320),
            makeRTP(sequence: 9000, timestamp: 90_000), makeRTP(sequence: 9001, timestamp: 90_160),  // restart
            makeRTP(sequence: 9002, timestamp: 90_320),
        ]
        let events = reassemble(datagrams, into: &reassembler)
        #expect(events == Array(repeating: "a0:160:255", count: 5))
        #expect(reassembler.counters.outOfRange == 2)
        #expect(reassembler.counters.resyncs == 1)
        #expect(reassembler.counters.lost == 0)
    }

    @Test func zeroDepthPlaysAtOnce() {
        var reassembler = RTPStreamReassembler(configuration: .init(jitterPackets: 0))
        #expect(reassemble(packets([1]), into: &reassembler, flush: false) == ["a0:160:1"])
        #expect(reassemble(packets([1, 3]), into: &reassembler, flush: false) == ["s160", "a0:160:3"])
        #expect(reassembler.counters.duplicates == 1)
    }

    @Test func parseErrorsLeaveTheStreamAlone() {
        var reassembler = RTPStreamReassembler()
        #expect(reassemble([[0x80, 0, 1]], into: &reassembler) == ["error too_short"])
        #expect(reassembler.counters.packets == 0)
    }
}
