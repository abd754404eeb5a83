// libFuzzer target: PcapReader and RTPCaptureDemuxer over arbitrary capture files. Build and run with Fuzz/run.sh.

import RTP

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func pcapFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let capture = Array(UnsafeBufferPointer(start: data, count: size))
    do throws(PcapError) {
        var reader = try PcapReader(capture)
        while let datagram = try reader.next() {
            precondition(datagram.payloadOffset >= 0 && datagram.payloadOffset + datagram.payloadCount <= size)
            _ = datagram.source.description
        }
    } catch {
        _ = error.description
    }
    var demuxer = RTPCaptureDemuxer(configuration: .init(jitterPackets: 3, maxPayloadBytes: 512))
    do throws(PcapError) {
        for stream in try demuxer.streams(in: capture) {
            _ = stream.key.description
        }
    } catch {
        _ = error.description
    }
    return 0
}
