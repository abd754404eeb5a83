import AMDCore
import Logging
import Metrics
import NIOCore
import RTP

extension RTPIngressHandler {
    /// Handles one datagram from an allowed source: parse, find the stream or admit its source, reassemble,
    /// detect, report.
    ///
    /// Datagrams that are not RTP are counted by ``RTPParseError/reason``. A source's first PCMU or PCMA packet
    /// starts its probation (``RTPSourceAdmission``); the next one in sequence opens the call
    /// (``CallSink/open(_:)``) and both are played. A source a registration names opens at its first packet.
    /// Comfort noise or DTMF before any audio is dropped as `before_audio`. Beeps go to the sink as soon as the
    /// detector reports them; the counters every ``reportIntervalMs`` of stream time.
    /// - Parameters:
    ///   - datagram: the UDP payload.
    ///   - address: the sender's address.
    ///   - port: the sender's UDP port.
    ///   - now: the arrival time, for the idle timeout.
    func receive(_ datagram: ByteBuffer, from address: IPAddress, port: UInt16, now: NIODeadline) {
        datagram.withUnsafeReadableBytes { bytes in
            let packet: RTPPacket
            do throws(RTPParseError) {
                packet = try RTPPacket(parsing: bytes)
            } catch {
                metrics.packetsDropped(ServerMetrics.DropReason(error)).increment()
                return
            }
            let key = RTPStreamKey(address: address, port: port, ssrc: packet.ssrc)
            if let stream = streams[key] {
                take(packet, bytes: bytes, on: stream, now: now)
                return
            }
            guard let codec = RTPAudioCodec(payloadType: packet.payloadType) else {
                let isSignalling =
                    packet.payloadType == 13 || packet.payloadType == settings.reassembler.telephoneEventPayloadType
                metrics.packetsDropped(isSignalling ? .beforeAudio : .unsupportedPayload).increment()
                return
            }
            admit(key, codec: codec, packet: packet, bytes: bytes, now: now)
        }
    }

    /// Runs a packet of a source without a call through admission; opens the call when the source is proven
    /// (or registered) and plays the held packet, then this one.
    private func admit(
        _ key: RTPStreamKey, codec: RTPAudioCodec, packet: RTPPacket, bytes: UnsafeRawBufferPointer, now: NIODeadline
    ) {
        if sink.isRegistered(address: key.address, port: key.port, ssrc: key.ssrc) {
            guard let stream = openStream(key, codec: codec, now: now) else { return }
            take(packet, bytes: bytes, on: stream, now: now)
            return
        }
        let transport = RTPSourceAdmission.Transport(address: key.address, port: key.port)
        switch admission.offer(transport, ssrc: key.ssrc, sequence: packet.sequenceNumber, datagram: bytes, now: now) {
        case .hold(let discarded):
            if discarded { metrics.packetsDropped(.probation).increment() }
        case .tableFull:
            metrics.packetsDropped(.probationFull).increment()
        case .refusedRecently:
            metrics.packetsDropped(.callLimit).increment()
        case .admit(let held):
            guard let stream = openStream(key, codec: codec, now: now) else {
                admission.refused(transport, now: now)
                return
            }
            if let held {
                admission.heldPacket(held) { heldBytes in
                    // The held datagram parsed when it came; parsing the same bytes again cannot fail.
                    guard let first = try? RTPPacket(parsing: heldBytes) else { return }
                    take(first, bytes: heldBytes, on: stream, now: now)
                }
            }
            admission.admitted(transport)
            take(packet, bytes: bytes, on: stream, now: now)
        }
    }

    /// Gives one packet of a tracked stream to its reassembler and detector, and reports when due.
    private func take(_ packet: RTPPacket, bytes: UnsafeRawBufferPointer, on stream: RTPIngressStream, now: NIODeadline) {
        stream.lastPacketAt = now
        stream.packets += 1
        let before = stream.reassembler.counters
        stream.reassembler.receive(packet, payload: packet.payload(in: bytes)) { event in
            play(event, on: stream)
        }
        let after = stream.reassembler.counters
        stream.packetsLost = Int64(after.lost)
        countDrops(before: before, after: after)
        if stream.samples - stream.reportedSamples >= Self.reportIntervalMs * 8 {
            flushDetectorMetrics(stream)
            sink.update(stream.callID, counters: stream.counters)
        }
    }

    /// Feeds one reassembler event to the stream's detector (audio, silence) or the sink (DTMF).
    ///
    /// Runs inside the reassembler's callback, so it must not touch `stream.reassembler`.
    func play(_ event: RTPStreamEvent, on stream: RTPIngressStream) {
        switch event {
        case .audio(let payloadType, let payload):
            stream.samples += Int64(payload.count)
            let start = NIODeadline.now()
            if payloadType == stream.codec.payloadType {
                stream.detector.process(payload) { detected($0, on: stream) }
            } else {
                // The stream switched law mid-call: decode here and keep the same detector (state, stream time).
                let other: AudioEncoding = payloadType == RTPAudioCodec.pcma.payloadType ? .aLaw : .muLaw
                stream.scratch.withUnsafeMutableBufferPointer { scratch in
                    let count = G711.decode(payload, encoding: other, into: scratch)
                    stream.detector.process(samples: UnsafeBufferPointer(rebasing: scratch[0..<count])) {
                        detected($0, on: stream)
                    }
                }
            }
            stream.detectorNanoseconds += (NIODeadline.now() - start).nanoseconds
        case .silence(let samples):
            stream.samples += Int64(samples)
            let start = NIODeadline.now()
            stream.detector.processSilence(sampleCount: samples) { detected($0, on: stream) }
            stream.detectorNanoseconds += (NIODeadline.now() - start).nanoseconds
        case .dtmf(let digit):
            sink.dtmf(stream.callID, digit: String(digit))
        }
    }

    /// Adds the detector time and stream time since the stream's last report to the metrics.
    func flushDetectorMetrics(_ stream: RTPIngressStream) {
        let samples = stream.samples - stream.reportedSamples
        guard samples > 0 || stream.detectorNanoseconds > 0 else { return }
        metrics.audioSeconds.increment(by: Double(samples) / Double(RTPAudioCodec.clockRateHz))
        metrics.detectorSeconds.increment(by: Double(stream.detectorNanoseconds) / 1e9)
        stream.reportedSamples = stream.samples
        stream.detectorNanoseconds = 0
    }

    /// Acts on one detector output: a beep or an answer decision goes to the sink, a rejection to the debug log.
    private func detected(_ output: BeepDetector.Output, on stream: RTPIngressStream) {
        switch output {
        case .beep(let event): beep(event, on: stream)
        case .rejection(let rejection): rejected(rejection, on: stream)
        case .answer, .machineEnd: sink.report(output, for: stream.callID, counters: stream.counters)
        case .candidate: break
        }
    }

    private func beep(_ event: BeepEvent, on stream: RTPIngressStream) {
        logger.info(
            "beep", metadata: ["call": "\(stream.callID)", "onset_ms": "\(event.onsetMs)", "hz": "\(event.frequencyHz)"])
        sink.beep(stream.callID, event: event, counters: stream.counters)
    }

    private func rejected(_ rejection: ToneRejection, on stream: RTPIngressStream) {
        logger.debug("beep-like tone rejected", metadata: ["call": "\(stream.callID)", "rejection": "\(rejection)"])
    }

    /// Counts the datagrams the reassembler dropped while taking one (late, duplicate, out of range, oversize,
    /// unknown payload type).
    private func countDrops(before: RTPStreamCounters, after: RTPStreamCounters) {
        if after.late != before.late { metrics.packetsDropped(.late).increment(by: after.late - before.late) }
        if after.duplicates != before.duplicates {
            metrics.packetsDropped(.duplicate).increment(by: after.duplicates - before.duplicates)
        }
        if after.outOfRange != before.outOfRange {
            metrics.packetsDropped(.outOfRange).increment(by: after.outOfRange - before.outOfRange)
        }
        if after.oversize != before.oversize {
            metrics.packetsDropped(.oversize).increment(by: after.oversize - before.oversize)
        }
        if after.unsupportedPayloadType != before.unsupportedPayloadType {
            metrics.packetsDropped(.unsupportedPayload).increment(
                by: after.unsupportedPayloadType - before.unsupportedPayloadType)
        }
    }
}
