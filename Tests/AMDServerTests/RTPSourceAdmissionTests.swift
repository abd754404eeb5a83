import NIOCore
import RTP
import Testing

@testable import AMDServer

struct RTPSourceAdmissionTests {
    let caller = RTPSourceAdmission.Transport(address: .v4(0x7F00_0001), port: 4000)
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func offer(
        _ admission: inout RTPSourceAdmission, _ transport: RTPSourceAdmission.Transport, ssrc: UInt32,
        sequence: UInt16, at now: NIODeadline, bytes: [UInt8] = [1, 2, 3]
    ) -> RTPSourceAdmission.Verdict {
        bytes.withUnsafeBytes { admission.offer(transport, ssrc: ssrc, sequence: sequence, datagram: $0, now: now) }
    }

    @Test func aSourceIsProvenByItsSecondPacketInSequenceAndItsFirstIsReplayed() {
        var admission = RTPSourceAdmission()
        #expect(
            offer(&admission, caller, ssrc: 9, sequence: 65_535, at: start, bytes: [7, 8, 9]) == .hold(discarded: false)
        )
        guard case .admit(let held?) = offer(&admission, caller, ssrc: 9, sequence: 0, at: start + .milliseconds(20))
        else {
            Issue.record("not admitted at its second packet")
            return
        }
        #expect(admission.heldPacket(held) { Array($0) } == [7, 8, 9])
        admission.admitted(caller)
        #expect(admission.count == 0)
    }

    @Test func randomSSRCsFromOneSocketKeepReplacingOneEntryAndNeverProve() {
        var admission = RTPSourceAdmission()
        var random = SplitMix64(state: 3)
        for index in 0..<10_000 {
            let verdict = offer(
                &admission, caller, ssrc: UInt32(truncatingIfNeeded: random.next()), sequence: UInt16(index % 65_536),
                at: start)
            #expect(verdict == .hold(discarded: index > 0))
        }
        #expect(admission.count == 1)
        // A gap in sequence restarts probation too.
        #expect(offer(&admission, caller, ssrc: 5, sequence: 10, at: start) == .hold(discarded: true))
        #expect(offer(&admission, caller, ssrc: 5, sequence: 12, at: start) == .hold(discarded: true))
        #expect(offer(&admission, caller, ssrc: 5, sequence: 13, at: start) == .admit(held: 0))
    }

    @Test func aFullTableGivesUpOnlyQuietEntries() {
        var admission = RTPSourceAdmission(configuration: .init(capacity: 2, minimumHold: .milliseconds(100)))
        let other = RTPSourceAdmission.Transport(address: .v4(0x0A00_0001), port: 1)
        let third = RTPSourceAdmission.Transport(address: .v4(0x0A00_0002), port: 2)
        _ = offer(&admission, caller, ssrc: 1, sequence: 1, at: start)
        _ = offer(&admission, other, ssrc: 2, sequence: 1, at: start + .milliseconds(50))
        // Both live: the newcomer is refused, the caller's entry kept.
        #expect(offer(&admission, third, ssrc: 3, sequence: 1, at: start + .milliseconds(60)) == .tableFull)
        #expect(offer(&admission, caller, ssrc: 1, sequence: 2, at: start + .milliseconds(70)) == .admit(held: 0))
        admission.admitted(caller)
        #expect(
            offer(&admission, third, ssrc: 3, sequence: 1, at: start + .milliseconds(80)) == .hold(discarded: false))
        // Once `other` is quiet for the minimum hold, a newcomer may take its entry.
        let fourth = RTPSourceAdmission.Transport(address: .v4(0x0A00_0003), port: 3)
        #expect(
            offer(&admission, fourth, ssrc: 4, sequence: 1, at: start + .milliseconds(200)) == .hold(discarded: true))
    }

    @Test func aRefusedSourceIsNotOfferedAgainUntilTheRetryInterval() {
        var admission = RTPSourceAdmission(configuration: .init(retryInterval: .seconds(1)))
        _ = offer(&admission, caller, ssrc: 1, sequence: 1, at: start)
        #expect(offer(&admission, caller, ssrc: 1, sequence: 2, at: start) == .admit(held: 0))
        admission.refused(caller, now: start)
        #expect(offer(&admission, caller, ssrc: 1, sequence: 3, at: start + .milliseconds(500)) == .refusedRecently)
        #expect(offer(&admission, caller, ssrc: 1, sequence: 4, at: start + .seconds(2)) == .admit(held: nil))
    }
}
