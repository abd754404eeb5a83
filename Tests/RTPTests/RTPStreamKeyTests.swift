import RTP
import Testing

struct RTPStreamKeyTests {
    @Test func textForm() throws {
        let v4 = try #require(IPAddress(bytes: [192, 168, 0, 2]))
        #expect(RTPStreamKey(address: v4, port: 26264, ssrc: 0x61DC_F074).description == "192.168.0.2:26264/61dcf074")
        #expect(RTPStreamKey(address: v4, port: 1, ssrc: 0xAB).description == "192.168.0.2:1/000000ab")
        let v6 = try #require(IPAddress(bytes: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]))
        #expect(RTPStreamKey(address: v6, port: 4000, ssrc: 0xABCD).description == "[2001:db8::1]:4000/0000abcd")
    }

    @Test func hashableByAllThreeFields() {
        let a = RTPStreamKey(address: .v4(1), port: 2, ssrc: 3)
        let keys: Set = [
            a, RTPStreamKey(address: .v4(1), port: 2, ssrc: 3), RTPStreamKey(address: .v4(1), port: 2, ssrc: 4),
            RTPStreamKey(address: .v4(1), port: 5, ssrc: 3),
            RTPStreamKey(address: .v6(high: 0, low: 1), port: 2, ssrc: 3),
        ]
        #expect(keys.count == 4)
    }

    @Test(arguments: [
        ("00000000000000000000000000000000", "::"),
        ("00000000000000000000000000000001", "::1"),
        ("20010db8000000010000000000000001", "2001:db8:0:1::1"),
        ("20010db8000000000001000000000001", "2001:db8::1:0:0:1"),
        ("20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"),
        ("fe800000000000000000000000000000", "fe80::"),
        ("20010db8000000000000000100000000", "2001:db8::1:0:0"),
    ])
    func ipv6TextIsRFC5952(hex: String, text: String) throws {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        #expect(try #require(IPAddress(bytes: bytes)).description == text)
    }

    @Test func addressNeedsFourOrSixteenBytes() {
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [10, 0, 0, 1])?.description == "10.0.0.1")
    }
}
