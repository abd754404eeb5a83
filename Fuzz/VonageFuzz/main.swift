// libFuzzer target: a Vonage websocket connection's messages: the first (header) text message, then text events
// and binary audio frames, against a sink that records calls. Build and run with Fuzz/run.sh.
//
// The input is a sequence of messages, each preceded by a kind byte (even: text, odd: binary) and a length byte.

import AMDCore
import Foundation
import RTP
import Synchronization

/// A call sink that keeps nothing but counts, for the fuzzer.
final class CountingSink: CallSink {
    let opened = Atomic<Int>(0)
    func open(_ descriptor: CallDescriptor) -> String? {
        opened.add(1, ordering: .relaxed)
        return "fuzz"
    }
    func update(_ id: String, counters: CallCounters) {}
    func beep(_ id: String, event: BeepEvent, counters: CallCounters) {}
    func answer(_ id: String, decision: AnswerDecision, counters: CallCounters) {}
    func machineEnd(_ id: String, end: MachineEnd, counters: CallCounters) {}
    func dtmf(_ id: String, digit: String) { precondition(digit.count == 1) }
    func close(_ id: String, counters: CallCounters, reason: CallEndReason) {}
}

let sink = CountingSink()

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func vonageFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var session = VonageSession(source: "127.0.0.1:1", sink: sink, maxMessageBytes: 200)
    var offset = 0
    while offset + 2 <= input.count {
        let isText = input[offset] % 2 == 0
        let length = min(Int(input[offset + 1]), input.count - offset - 2)
        let message = UnsafeRawBufferPointer(rebasing: input[(offset + 2)..<(offset + 2 + length)])
        offset += 2 + length
        do throws(VonageSessionError) {
            if isText {
                _ = try session.receiveText(message)
            } else {
                try session.receiveBinary(message)
            }
        } catch {
            precondition(error.closeCode > 1000, "every refusal closes with a code")
        }
    }
    session.end(reason: .closed)
    return 0
}
