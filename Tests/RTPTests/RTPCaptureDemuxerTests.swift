import RTP
import Testing

struct RTPCaptureDemuxerTests {
    @Test func freeswitchMilliwatt() throws {
        var demuxer = RTPCaptureDemuxer()
        let streams = try demuxer.streams(in: try fixture("milliwatt.pcmu.rtp.pcap"))
        #expect(streams.count == 1)
        let stream = try #require(streams.first)
        #expect(stream.key.description == "192.168.0.2:26264/61dcf074")
        #expect(stream.destination.description == "192.168.0.1" && stream.destinationPort == 7078)
        #expect(stream.codec == .pcmu)
        #expect(stream.counters.packets == 232)
        #expect(stream.counters.lost == 0 && stream.counters.resyncs == 0 && stream.counters.duplicates == 0)
        // The 5th packet's timestamp is 320 after the 4th's, whose audio covers 160: 160 samples (20 ms) of gap.
        guard stream.events.count == 3, case .audio(.pcmu, let head) = stream.events[0],
            case .silence(let gap) = stream.events[1], case .audio(.pcmu, let tail) = stream.events[2]
        else {
            Issue.record("events: \(stream.events.map { "\($0)".prefix(40) })")
            return
        }
        #expect(head.count == 4 * 160)
        #expect(gap == 160)
        #expect(tail.count == 228 * 160)
        #expect(stream.durationSamples == 37_280)  // 4.66 s
        let frequency = zeroCrossingFrequency(tail.map(muLawToLinear))
        #expect(abs(frequency - 1004) < 5, "frequency \(frequency) Hz")
    }

    @Test(arguments: [
        ("ffmpeg_pcmu_raw.pcap", "pcmu"), ("ffmpeg_pcmu_eth.pcapng", "pcmu"),
        ("ffmpeg_pcma_sll.pcap", "pcma"), ("ffmpeg_pcma_vlan6.pcapng", "pcma"),
    ])
    func ffmpegStreams(name: String, codec: String) throws {
        let expected = try FFmpegFixture.load(codec)
        var demuxer = RTPCaptureDemuxer()
        let streams = try demuxer.streams(in: try fixture(name))
        #expect(streams.count == 1)
        #expect(demuxer.parseErrors == ["rtcp": expected.rtcpPackets])
        let stream = try #require(streams.first)
        #expect(stream.key.ssrc == expected.ssrc && stream.key.port == expected.sourcePort)
        #expect(stream.destinationPort == expected.destinationPort)
        #expect(stream.codec == (codec == "pcmu" ? .pcmu : .pcma))
        #expect(stream.firstCaptureNs / 1000 == expected.firstCaptureNs / 1000)
        // The sequence numbers wrap inside the capture (first_sequence is near 65535): nothing lost or reordered.
        #expect(stream.counters.packets == expected.rtpPackets)
        #expect(stream.counters.lost == 0 && stream.counters.reordered == 0 && stream.counters.resyncs == 0)
        guard stream.events.count == 1, case .audio(_, let bytes) = stream.events[0] else {
            Issue.record("events: \(stream.events.count)")
            return
        }
        #expect(bytes.count == expected.payloadBytes)
        #expect(bytes.reduce(0) { $0 + Int($1) } == expected.payloadSum)
        if codec == "pcmu" {
            let frequency = zeroCrossingFrequency(bytes.dropFirst(160).map(muLawToLinear))
            #expect(abs(frequency - 1000) < 5, "frequency \(frequency) Hz")
        }
    }

    @Test func splitsStreamsAndReportsDTMF() throws {
        func frame(_ rtp: [UInt8], port: UInt16 = 5004) -> [UInt8] { ipv4UDP(sourcePort: port, payload: rtp) }
        let frames: [[UInt8]] = [
            frame(makeRTP(sequence: 1, timestamp: 0, ssrc: 1)),
            frame(makeRTP(sequence: 7, timestamp: 0, payloadType: 8, ssrc: 2, payload: [0xD5, 0xD5])),
            frame(Array("SIP/2.0 200 OK\r\n".utf8), port: 5060),
            frame(
                makeRTP(
                    sequence: 2, timestamp: 160, payloadType: 101, ssrc: 1, payload: telephoneEvent(1, duration: 160))),
            frame(
                makeRTP(
                    sequence: 3, timestamp: 160, payloadType: 101, ssrc: 1,
                    payload: telephoneEvent(1, end: true, duration: 320))),
            frame(makeRTP(sequence: 4, timestamp: 480, ssrc: 1)),
            frame(makeRTP(sequence: 1, timestamp: 0, payloadType: 99, ssrc: 3)),
            frame(makeRTP(sequence: 4, timestamp: 480, ssrc: 1)),
        ]
        var demuxer = RTPCaptureDemuxer()
        let streams = try demuxer.streams(in: classicPcap(linkType: 101, frames: frames))
        #expect(streams.map(\.key.description) == ["10.1.1.1:5004/00000001", "10.1.1.1:5004/00000002"])
        #expect(streams.map(\.codec) == [.pcmu, .pcma])
        #expect(
            streams[0].events == [
                .audio(codec: .pcmu, bytes: [UInt8](repeating: 0xFF, count: 160)), .dtmf("1"), .silence(samples: 320),
                .audio(codec: .pcmu, bytes: [UInt8](repeating: 0xFF, count: 160)),
            ])
        #expect(streams[0].counters.duplicates == 1 && streams[0].counters.dtmfEvents == 1)
        #expect(streams[1].events == [.audio(codec: .pcma, bytes: [0xD5, 0xD5])])
        #expect(demuxer.parseErrors == ["bad_version": 1])
        #expect(demuxer.otherPayloadTypes == 1)
        #expect(demuxer.captureStatistics.udpDatagrams == frames.count)
    }

    @Test func callbackFormGivesEventsPerKey() throws {
        var demuxer = RTPCaptureDemuxer(configuration: .init(jitterPackets: 0))
        var count = 0
        let streams = try demuxer.forEachEvent(in: try fixture("milliwatt.pcmu.rtp.pcap")) { key, event in
            #expect(key.ssrc == 0x61DC_F074)
            count += 1
        }
        #expect(count == 233)  // 232 packets of audio and one gap
        #expect(streams.first?.events.isEmpty == true)
    }

    @Test func badFileThrows() {
        var demuxer = RTPCaptureDemuxer()
        #expect(throws: PcapError.tooShort(count: 2)) { try demuxer.streams(in: [0xD4, 0xC3]) }
    }
}
