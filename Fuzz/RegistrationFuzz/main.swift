// libFuzzer target: `POST /v1/calls` bodies: JSON decoding, field checks and source parsing. An accepted
// registration must be one the hub can store: a valid id, a non-empty match, a source in canonical form that
// parses back to itself. Build and run with Fuzz/run.sh.

import Foundation

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func registrationFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    do throws(CallHubError) {
        let (registration, source) = try CallRegistration(requestBody: body).validated()
        precondition(CallRegistration.isValidID(registration.id))
        precondition(registration.match.source != nil || registration.match.ssrc != nil)
        if let source {
            precondition(registration.match.source == source.canonical)
            precondition(
                CallRegistration.Match.Source(parsing: source.canonical) == source, "canonical form round-trips")
        }
    } catch {
        guard case .invalid(let message) = error else { preconditionFailure("only invalid is thrown: \(error)") }
        precondition(!message.isEmpty)
    }
    return 0
}
