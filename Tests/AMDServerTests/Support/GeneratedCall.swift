import AMDCore
import AMDServer
import Foundation
import Synchronization

/// A synthetic answering-machine greeting: a speech-like buzz, a 1 kHz beep, then silence, as 16-bit PCM.
///
/// The buzz is a 120 Hz glottal-like harmonic series (with slow pitch drift) under a 4 Hz syllable envelope; the
/// beep is a steady 1000 Hz sine at -10 dBFS; a line-noise floor near -60 dBFS runs throughout (a digitally pure
/// tone in digital silence is nothing a phone line carries). Deterministic, so the daemon and a direct
/// ``StreamDetector`` see the same samples.
struct GeneratedCall {
    /// Samples per second: 16000 or 8000.
    var sampleRate: Int
    /// Length of the buzz, in milliseconds; the beep starts here.
    var buzzMs = 2400
    /// Length of the beep, in milliseconds.
    var beepMs = 400
    /// Silence after the beep, in milliseconds.
    var tailMs = 600

    /// Stream time at which the beep starts, in milliseconds.
    var beepOnsetMs: Int { buzzMs }

    /// The samples.
    var samples: [Int16] {
        let rate = Double(sampleRate)
        let buzzCount = buzzMs * sampleRate / 1000
        let beepCount = beepMs * sampleRate / 1000
        let tailCount = tailMs * sampleRate / 1000
        var out = [Int16]()
        out.reserveCapacity(buzzCount + beepCount + tailCount)
        var phase = 0.0
        for n in 0..<buzzCount {
            let t = Double(n) / rate
            let f0 = 120 + 15 * sin(2 * .pi * 0.7 * t)
            phase += 2 * .pi * f0 / rate
            var value = 0.0
            var harmonic = 1.0
            while harmonic * f0 < min(3400, rate / 2 - 200) {
                // Formant-like emphasis near 500 Hz and 1500 Hz.
                let f = harmonic * f0
                let gain = 1 / harmonic + 0.6 * exp(-pow((f - 500) / 200, 2)) + 0.4 * exp(-pow((f - 1500) / 300, 2))
                value += gain * sin(harmonic * phase)
                harmonic += 1
            }
            let syllable = 0.5 - 0.5 * cos(2 * .pi * 4 * t)
            out.append(Int16(max(-32767, min(32767, 3000 * syllable * value))))
        }
        for n in 0..<beepCount {
            out.append(Int16((10362 * sin(2 * .pi * 1000 * Double(n) / rate)).rounded()))
        }
        out.append(contentsOf: repeatElement(0, count: tailCount))
        // Noise floor: a sum of four uniform draws from a fixed LCG, roughly Gaussian, standard deviation ~30.
        var state: UInt32 = 12345
        for index in out.indices {
            var sum = 0
            for _ in 0..<4 {
                state = state &* 1_664_525 &+ 1_013_904_223
                sum += Int(state >> 16) - 32768
            }
            let noise = sum * 30 / 37837
            out[index] = Int16(max(-32767, min(32767, Int(out[index]) + noise)))
        }
        return out
    }

    /// The samples as 16-bit little-endian bytes.
    var bytes: [UInt8] { Self.littleEndianBytes(samples) }

    /// `samples` as 16-bit little-endian bytes.
    static func littleEndianBytes(_ samples: [Int16]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            out.append(UInt8(bits & 0xFF))
            out.append(UInt8(bits >> 8))
        }
        return out
    }

    /// Bytes in one 20 ms frame: 640 at 16 kHz, 320 at 8 kHz.
    var frameBytes: Int { sampleRate / 50 * 2 }

    /// The beeps a ``StreamDetector`` reports for these bytes fed in 20 ms frames, as the daemon feeds them.
    func referenceEvents() throws -> [BeepEvent] {
        try Self.referenceEvents(bytes, sampleRate: sampleRate)
    }

    /// The beeps a ``StreamDetector`` reports for 16-bit PCM `bytes` at `sampleRate` fed in 20 ms frames.
    static func referenceEvents(_ bytes: [UInt8], sampleRate: Int) throws -> [BeepEvent] {
        let frameBytes = sampleRate / 50 * 2
        var detector = try StreamDetector(encoding: .linear16, sampleRate: sampleRate)
        var events: [BeepEvent] = []
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + frameBytes, all.count)
                detector.process(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { output in
                    if let event = output.beep { events.append(event) }
                }
                offset = end
            }
        }
        return events
    }
}

/// The repository's `Samples/voicemail-beep.wav` (a greeting then a beep at 9.07 s; 8 kHz µ-law) as 16-bit
/// little-endian PCM at 8 kHz, the form a Vonage websocket carries.
func voicemailSample() throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/voicemail-beep.wav")
    let wav = [UInt8](try Data(contentsOf: url))
    // RIFF chunks after the 12-byte header: 4-byte id, 4-byte little-endian size, body padded to even length.
    var offset = 12
    while offset + 8 <= wav.count {
        let size =
            Int(wav[offset + 4]) | Int(wav[offset + 5]) << 8 | Int(wav[offset + 6]) << 16
            | Int(wav[offset + 7]) << 24
        if wav[offset..<(offset + 4)].elementsEqual("data".utf8) {
            let body = wav[(offset + 8)..<min(wav.count, offset + 8 + size)]
            return GeneratedCall.littleEndianBytes(body.map(G711.muLawToLinear))
        }
        offset += 8 + size + size % 2
    }
    throw TestFailure("Samples/voicemail-beep.wav has no data chunk")
}

/// A ``CallSink`` that records every report, for driving a ``VonageSession`` without a daemon.
final class RecordingSink: CallSink {
    /// One report, in order.
    enum Report: Sendable, Hashable {
        case open(CallDescriptor)
        case update(CallCounters)
        case beep(BeepEvent, CallCounters)
        case dtmf(String)
        case answer(AnswerDecision)
        case machineEnd(MachineEnd)
        case close(CallCounters, CallEndReason)
    }

    private let reports = Mutex<[Report]>([])
    private let accepts: Bool

    /// Creates a sink that accepts calls (`accepts`) or answers `nil` as a full daemon does.
    init(accepts: Bool = true) { self.accepts = accepts }

    /// Every report so far.
    var all: [Report] { reports.withLock { $0 } }

    func open(_ descriptor: CallDescriptor) -> String? {
        reports.withLock { $0.append(.open(descriptor)) }
        return accepts ? "call-1" : nil
    }
    func update(_ id: String, counters: CallCounters) { reports.withLock { $0.append(.update(counters)) } }
    func beep(_ id: String, event: BeepEvent, counters: CallCounters) {
        reports.withLock { $0.append(.beep(event, counters)) }
    }
    func dtmf(_ id: String, digit: String) { reports.withLock { $0.append(.dtmf(digit)) } }
    func answer(_ id: String, decision: AnswerDecision, counters: CallCounters) {
        reports.withLock { $0.append(.answer(decision)) }
    }
    func machineEnd(_ id: String, end: MachineEnd, counters: CallCounters) {
        reports.withLock { $0.append(.machineEnd(end)) }
    }
    func close(_ id: String, counters: CallCounters, reason: CallEndReason) {
        reports.withLock { $0.append(.close(counters, reason)) }
    }
}

/// The `websocket:connected` message Vonage sends, with `headers` flattened in.
func vonageHeader(rate: Int, headers: [String: String] = ["uuid": "vonage-call-1"]) -> String {
    var object: [String: String] = ["event": "websocket:connected", "content-type": "audio/l16;rate=\(rate)"]
    object.merge(headers) { _, header in header }
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}
