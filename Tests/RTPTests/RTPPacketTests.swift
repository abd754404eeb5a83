import RTP
import Testing

struct RTPPacketTests {
    @Test func parsesEveryHeaderField() throws {
        let datagram = makeRTP(
            sequence: 0xABCD, timestamp: 0x0102_0304, payloadType: 8, marker: true, ssrc: 0xDEAD_BEEF,
            payload: [1, 2, 3, 4, 5], csrcs: [7, 9], extensionWords: [0xAAAA_AAAA], padding: 3)
        let packet = try RTPPacket(parsing: datagram)
        #expect(packet.marker)
        #expect(packet.payloadType == 8)
        #expect(packet.sequenceNumber == 0xABCD)
        #expect(packet.timestamp == 0x0102_0304)
        #expect(packet.ssrc == 0xDEAD_BEEF)
        #expect(packet.csrcCount == 2)
        #expect(packet.extensionProfile == 0xBEDE)
        #expect(packet.extensionLength == 4)
        #expect(packet.paddingCount == 3)
        #expect(packet.payloadOffset == 12 + 8 + 4 + 4)
        #expect(packet.payloadCount == 5)
        datagram.withUnsafeBytes { bytes in
            #expect(Array(packet.payload(in: bytes)) == [1, 2, 3, 4, 5])
            #expect(packet.csrc(1, in: bytes) == 9)
            #expect(packet.csrc(2, in: bytes) == nil)
        }
    }

    @Test func plainHeaderAndEmptyPayload() throws {
        let packet = try RTPPacket(parsing: makeRTP(sequence: 1, timestamp: 2, payload: []))
        #expect(packet.payloadOffset == 12 && packet.payloadCount == 0)
        #expect(packet.extensionProfile == nil && packet.paddingCount == 0 && !packet.marker)
    }

    static let faults: [([UInt8], String)] = [
        (makeRTP(sequence: 1, timestamp: 1).prefix(11).map { $0 }, "too_short"),
        ([UInt8](), "too_short"),
        (makeRTP(sequence: 1, timestamp: 1, version: 1), "bad_version"),
        (makeRTP(sequence: 1, timestamp: 1, version: 3), "bad_version"),
        ([0x80, 200] + [UInt8](repeating: 0, count: 26), "rtcp"),
        ([0x81, 204] + [UInt8](repeating: 0, count: 26), "rtcp"),
        ([0x83, 0] + [UInt8](repeating: 0, count: 20), "csrc_overrun"),
        ([0x90, 0] + [UInt8](repeating: 0, count: 12), "extension_overrun"),
        ([0x90, 0] + [UInt8](repeating: 0, count: 10) + [0, 0, 0, 2, 1, 2, 3, 4], "extension_overrun"),
        (makeRTP(sequence: 1, timestamp: 1, payload: [1, 2, 3, 0]).enablingPadding(), "bad_padding"),
        (makeRTP(sequence: 1, timestamp: 1, payload: [1, 2, 3, 5]).enablingPadding(), "bad_padding"),
        (makeRTP(sequence: 1, timestamp: 1, payload: []).enablingPadding(), "bad_padding"),
    ]

    @Test(arguments: faults)
    func rejectsEachFault(datagram: [UInt8], reason: String) {
        do throws(RTPParseError) {
            _ = try RTPPacket(parsing: datagram)
            Issue.record("parsed \(datagram)")
        } catch {
            #expect(error.reason == reason)
            #expect(!error.description.isEmpty)
        }
    }

    @Test func paddingMayFillThePayload() throws {
        let packet = try RTPPacket(parsing: makeRTP(sequence: 1, timestamp: 1, payload: [9, 9, 3]).enablingPadding())
        #expect(packet.paddingCount == 3 && packet.payloadCount == 0)
    }

    @Test func payloadOutsideTheDatagramIsEmpty() {
        let packet = RTPPacket(
            payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payloadOffset: 12, payloadCount: 100)
        [UInt8](repeating: 0, count: 20).withUnsafeBytes { #expect(packet.payload(in: $0).isEmpty) }
    }

    @Test func telephoneEventDigits() {
        let digits = (0...16).map { code -> String in
            telephoneEvent(UInt8(code), duration: 1).withUnsafeBytes {
                TelephoneEvent(payload: $0)?.dtmfDigit.map(String.init) ?? "-"
            }
        }
        #expect(digits.joined() == "0123456789*#ABCD-")
        let event = telephoneEvent(11, end: true, volume: 7, duration: 800).withUnsafeBytes {
            TelephoneEvent(payload: $0)
        }
        #expect(event == TelephoneEvent(event: 11, isEnd: true, volume: 7, duration: 800))
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { TelephoneEvent(payload: $0) } == nil)
    }
}

extension Array where Element == UInt8 {
    /// The same datagram with the padding bit set (the last byte then counts the padding).
    func enablingPadding() -> [UInt8] {
        var copy = self
        copy[0] |= 0x20
        return copy
    }
}
