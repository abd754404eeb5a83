import Testing

@testable import RTP

struct PcapReaderTests {
    func readAll(_ file: [UInt8]) throws(PcapError) -> (datagrams: [UDPDatagram], reader: PcapReader) {
        var reader = try PcapReader(file)
        var datagrams: [UDPDatagram] = []
        while let datagram = try reader.next() { datagrams.append(datagram) }
        return (datagrams, reader)
    }

    @Test func freeswitchMilliwattCapture() throws {
        let (datagrams, reader) = try readAll(try fixture("milliwatt.pcmu.rtp.pcap"))
        #expect(reader.format == .pcap)
        #expect(datagrams.count == 232)
        #expect(reader.statistics.records == 232)
        let first = try #require(datagrams.first)
        #expect(first.timestampNs == 1_641_375_740_760_227_000)
        #expect(first.source.description == "192.168.0.2" && first.sourcePort == 26264)
        #expect(first.destination.description == "192.168.0.1" && first.destinationPort == 7078)
        #expect(first.payloadCount == 172)
        #expect(reader.bytes[first.payloadOffset] == 0x80)
    }

    @Test(arguments: [
        ("ffmpeg_pcmu_raw.pcap", "pcmu", PcapReader.Format.pcap, "10.0.0.2", Int64(1000)),
        ("ffmpeg_pcmu_eth.pcapng", "pcmu", .pcapng, "10.0.0.2", 1000),
        ("ffmpeg_pcma_sll.pcap", "pcma", .pcap, "10.0.0.2", 1),
        ("ffmpeg_pcma_vlan6.pcapng", "pcma", .pcapng, "2001:db8::2", 1),
    ])
    func ffmpegCaptures(
        name: String, codec: String, format: PcapReader.Format, source: String, resolutionNs: Int64
    )
        throws
    {
        let expected = try FFmpegFixture.load(codec)
        let (datagrams, reader) = try readAll(try fixture(name))
        #expect(reader.format == format)
        #expect(datagrams.count == expected.rtpPackets + expected.rtcpPackets)
        #expect(reader.statistics.records == datagrams.count)
        let first = try #require(datagrams.first)
        #expect(first.source.description == source)
        #expect(first.sourcePort == expected.sourcePort)
        #expect(first.destinationPort == expected.destinationPort)
        #expect(first.timestampNs == expected.firstCaptureNs / resolutionNs * resolutionNs)
        let rtp = datagrams.filter { $0.destinationPort == expected.destinationPort }
        #expect(rtp.count == expected.rtpPackets)
        #expect(rtp.allSatisfy { $0.payloadCount == 172 })
        #expect(reader.bytes[first.payloadOffset + 1] & 0x7F == expected.payloadType)
    }

    @Test func linkTypesAndNetworkLayers() throws {
        let rtp = makeRTP(sequence: 1, timestamp: 0, payload: [1, 2, 3])
        let v4 = ipv4UDP(payload: rtp)
        let v6 = ipv6UDP(payload: rtp)
        let ethernetHeader: [UInt8] = [UInt8](repeating: 2, count: 12)
        let cases: [(UInt32, [UInt8], String)] = [
            (1, ethernetHeader + [0x08, 0x00] + v4, "10.1.1.1"),
            (1, ethernetHeader + [0x88, 0xA8, 0, 5, 0x81, 0x00, 0, 7, 0x86, 0xDD] + v6, "2001:db8::7"),
            (113, [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + [0x86, 0xDD] + v6, "2001:db8::7"),
            (276, [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 6] + [UInt8](repeating: 0, count: 9) + v4, "10.1.1.1"),
            (101, v4, "10.1.1.1"),
            (101, v6, "2001:db8::7"),
            (228, v4, "10.1.1.1"),
            (229, v6, "2001:db8::7"),
            (0, [2, 0, 0, 0] + v4, "10.1.1.1"),
            (0, [0, 0, 0, 30] + v6, "2001:db8::7"),
        ]
        for (linkType, frame, source) in cases {
            let (datagrams, reader) = try readAll(classicPcap(linkType: linkType, frames: [frame]))
            #expect(datagrams.count == 1, "link type \(linkType)")
            #expect(datagrams.first?.source.description == source, "link type \(linkType)")
            #expect(
                datagrams.first.map { Array(reader.bytes[$0.payloadOffset..<($0.payloadOffset + $0.payloadCount)]) }
                    == rtp)
        }
    }

    @Test func packetsWithoutAUDPDatagramAreCounted() throws {
        let payload: [UInt8] = [1, 2, 3, 4]
        var truncated = ipv4UDP(payload: payload)
        truncated.removeLast()  // the UDP length now runs past the IP datagram
        truncated[3] -= 1
        let frames: [[UInt8]] = [
            ipv4UDP(payload: payload, flagsAndOffset: 0x2000),  // first fragment
            ipv4UDP(payload: payload, flagsAndOffset: 0x0010),  // later fragment
            ipv4UDP(payload: payload, protocolNumber: 6),  // TCP
            [0x45, 0, 0, 20],  // cut short
            truncated,
            [0x10, 0, 0],  // neither IPv4 nor IPv6
            ipv4UDP(payload: payload),
        ]
        let (datagrams, reader) = try readAll(classicPcap(linkType: 101, frames: frames))
        #expect(datagrams.count == 1)
        #expect(reader.statistics.fragments == 2)
        #expect(reader.statistics.notUDP == 2)
        #expect(reader.statistics.truncated == 2)
        let (none, other) = try readAll(classicPcap(linkType: 147, frames: frames))
        #expect(none.isEmpty && other.statistics.unsupportedLinkType == frames.count)
    }

    @Test func rejectsBadFiles() throws {
        let milliwatt = try fixture("milliwatt.pcmu.rtp.pcap")
        var absurd = milliwatt
        absurd[24 + 8..<24 + 12] = [0xFF, 0xFF, 0xFF, 0x7F]
        var version = milliwatt
        version[4] = 3
        let pcapng = try fixture("ffmpeg_pcmu_eth.pcapng")
        var badBlock = pcapng
        badBlock[28 + 4] = 13  // the block after the section header: length 13
        var badByteOrder = pcapng
        badByteOrder[8] = 0
        let cases: [([UInt8], PcapError)] = [
            ([1, 2, 3], .tooShort(count: 3)),
            ([UInt8](repeating: 0, count: 24), .badMagic(magic: 0)),
            (version, .unsupportedVersion(major: 3, minor: 4)),
            (Array(milliwatt.prefix(1000)), .truncatedRecord(offset: 24 + 4 * 230, needed: 230, available: 1000 - 944)),
            (Array(milliwatt.prefix(30)), .truncatedRecord(offset: 24, needed: 16, available: 6)),
            (absurd, .absurdLength(offset: 24, length: 0x7FFF_FFFF)),
            (badBlock, .absurdLength(offset: 28, length: 13)),
            (badByteOrder, .badByteOrderMagic(offset: 0)),
            (Array(pcapng.prefix(100)), .truncatedRecord(offset: 68, needed: 252, available: 32)),
        ]
        for (file, expected) in cases {
            do throws(PcapError) {
                _ = try readAll(file)
                Issue.record("no error, expected \(expected)")
            } catch {
                #expect(error == expected)
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func timestampResolutions() {
        func nanoseconds(_ timestamp: UInt64, resolution: UInt8) -> Int64 {
            PcapReader.nanoseconds(timestamp, unitsPerSecond: PcapReader.unitsPerSecond(resolution: resolution))
        }
        #expect(nanoseconds(1_500_000, resolution: 6) == 1_500_000_000)
        #expect(nanoseconds(3, resolution: 0x81) == 1_500_000_000)
        #expect(nanoseconds(1_500_000_000_123, resolution: 12) == 1_500_000_000)
        #expect(nanoseconds(UInt64.max, resolution: 9) == Int64.max)
        #expect(nanoseconds(7, resolution: 100) == 7_000)  // absurd resolution: microseconds
    }
}
