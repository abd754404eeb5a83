import Foundation
import RTP

/// Builds RTP datagrams for tests, field by field.
func makeRTP(
    sequence: UInt16, timestamp: UInt32, payloadType: UInt8 = 0, marker: Bool = false, ssrc: UInt32 = 0x1122_3344,
    payload: [UInt8] = [UInt8](repeating: 0xFF, count: 160), csrcs: [UInt32] = [],
    extensionWords: [UInt32]? = nil, padding: Int = 0, version: UInt8 = 2
) -> [UInt8] {
    var bytes: [UInt8] = []
    let byte0 = version << 6 | (padding > 0 ? 0x20 : 0) | (extensionWords != nil ? 0x10 : 0) | UInt8(csrcs.count & 0x0F)
    bytes.append(byte0)
    bytes.append((marker ? 0x80 : 0) | payloadType & 0x7F)
    bytes.append(contentsOf: be16(sequence))
    bytes.append(contentsOf: be32(timestamp))
    bytes.append(contentsOf: be32(ssrc))
    for csrc in csrcs { bytes.append(contentsOf: be32(csrc)) }
    if let words = extensionWords {
        bytes.append(contentsOf: be16(0xBEDE))
        bytes.append(contentsOf: be16(UInt16(words.count)))
        for word in words { bytes.append(contentsOf: be32(word)) }
    }
    bytes.append(contentsOf: payload)
    if padding > 0 {
        bytes.append(contentsOf: [UInt8](repeating: 0, count: padding - 1))
        bytes.append(UInt8(padding))
    }
    return bytes
}

/// An RFC 4733 telephone-event payload.
func telephoneEvent(_ event: UInt8, end: Bool = false, volume: UInt8 = 10, duration: UInt16) -> [UInt8] {
    [event, (end ? 0x80 : 0) | volume] + be16(duration)
}

func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// An owned copy of a reassembler event, for comparing in tests.
enum Emitted: Equatable {
    case audio(UInt8, [UInt8])
    case silence(Int)
    case dtmf(Character)

    init(_ event: RTPStreamEvent) {
        switch event {
        case .audio(let payloadType, let payload): self = .audio(payloadType, Array(payload))
        case .silence(let samples): self = .silence(samples)
        case .dtmf(let digit): self = .dtmf(digit)
        }
    }

    /// A short form: "a<pt>:<count>:<first byte>", "s<samples>", "d<digit>".
    var summary: String {
        switch self {
        case .audio(let payloadType, let bytes): "a\(payloadType):\(bytes.count):\(bytes.first ?? 0)"
        case .silence(let samples): "s\(samples)"
        case .dtmf(let digit): "d\(digit)"
        }
    }
}

/// Feeds datagrams to a reassembler in order, then flushes it; returns the events' summaries.
func reassemble(_ datagrams: [[UInt8]], into reassembler: inout RTPStreamReassembler, flush: Bool = true) -> [String] {
    var events: [String] = []
    for datagram in datagrams {
        datagram.withUnsafeBytes { bytes in
            do throws(RTPParseError) {
                try reassembler.receive(datagram: bytes) { events.append(Emitted($0).summary) }
            } catch {
                events.append("error \(error.reason)")
            }
        }
    }
    if flush { reassembler.flush { events.append(Emitted($0).summary) } }
    return events
}

/// A fixture's bytes, from Tests/RTPTests/Fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureMissing(name: name)
    }
    return Array(try Data(contentsOf: url))
}

struct FixtureMissing: Error {
    var name: String
}

/// The expectations written by tools/fixtures/gen_rtp_pcap.py for one codec ("pcmu", "pcma").
struct FFmpegFixture: Decodable {
    var ssrc: UInt32
    var sourcePort: UInt16
    var destinationPort: UInt16
    var payloadType: UInt8
    var firstSequence: UInt16
    var firstTimestamp: UInt32
    var rtpPackets: Int
    var rtcpPackets: Int
    var payloadBytes: Int
    var payloadSum: Int
    var firstCaptureNs: Int64

    enum CodingKeys: String, CodingKey {
        case ssrc
        case sourcePort = "source_port"
        case destinationPort = "destination_port"
        case payloadType = "payload_type"
        case firstSequence = "first_sequence"
        case firstTimestamp = "first_timestamp"
        case rtpPackets = "rtp_packets"
        case rtcpPackets = "rtcp_packets"
        case payloadBytes = "payload_bytes"
        case payloadSum = "payload_sum"
        case firstCaptureNs = "first_capture_ns"
    }

    static func load(_ codec: String) throws -> FFmpegFixture {
        let all = try JSONDecoder().decode(
            [String: FFmpegFixture].self, from: Data(try fixture("ffmpeg_fixtures.json")))
        guard let entry = all[codec] else { throw FixtureMissing(name: "ffmpeg_fixtures.json[\(codec)]") }
        return entry
    }
}

/// G.711 µ-law to linear (ITU-T G.711), for checking decoded audio.
func muLawToLinear(_ byte: UInt8) -> Int {
    let value = ~byte
    let exponent = Int(value >> 4 & 0x07)
    let magnitude = ((Int(value & 0x0F) << 3) + 0x84) << exponent
    return value & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84
}

/// Frequency of a tone in Hz from its zero crossings at 8 kHz.
func zeroCrossingFrequency(_ samples: [Int]) -> Double {
    var crossings = 0
    for index in 1..<samples.count where (samples[index - 1] < 0) != (samples[index] < 0) { crossings += 1 }
    return Double(crossings) / 2 / (Double(samples.count) / 8000)
}

/// A classic little-endian µs pcap file of `frames` on `linkType`, one record per frame, 20 ms apart.
func classicPcap(linkType: UInt32, frames: [[UInt8]]) -> [UInt8] {
    var file: [UInt8] = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(linkType)
    for (index, frame) in frames.enumerated() {
        file +=
            le32(1_700_000_000) + le32(UInt32(index) * 20_000) + le32(UInt32(frame.count)) + le32(UInt32(frame.count))
        file += frame
    }
    return file
}

func le32(_ value: UInt32) -> [UInt8] { be32(value).reversed() }

/// An IPv4 header (IHL 5, no checksum) and UDP header around `payload`.
func ipv4UDP(
    source: [UInt8] = [10, 1, 1, 1], destination: [UInt8] = [10, 2, 2, 2], sourcePort: UInt16 = 5004,
    destinationPort: UInt16 = 6000, payload: [UInt8], flagsAndOffset: UInt16 = 0x4000, protocolNumber: UInt8 = 17
) -> [UInt8] {
    let udp = be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
    return [0x45, 0] + be16(UInt16(20 + udp.count)) + [0, 1] + be16(flagsAndOffset) + [64, protocolNumber, 0, 0]
        + source + destination + udp
}

/// An IPv6 header, a hop-by-hop options header (8 bytes), then UDP around `payload`.
func ipv6UDP(sourcePort: UInt16 = 5004, destinationPort: UInt16 = 6000, payload: [UInt8]) -> [UInt8] {
    let udp = be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
    let hopByHop: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0]  // next header UDP, length 0 (8 bytes), PadN
    let source: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7]
    let destination: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]
    return [0x60, 0, 0, 0] + be16(UInt16(hopByHop.count + udp.count)) + [0, 64] + source + destination + hopByHop + udp
}
