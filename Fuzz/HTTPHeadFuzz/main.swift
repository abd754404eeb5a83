// libFuzzer target: the first request head of an HTTP connection as the connection guard checks it, fed in
// pieces whose sizes come from the input, and the path normalisation behind the token check. Whatever the split,
// the verdict must be the same. Build and run with Fuzz/run.sh.

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func httpHeadFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let step = Int(data[0] % 16) + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let limits = HTTPHeadValidator.Limits(maxRequestLineBytes: 256, maxHeadBytes: 1024, maxHeaderFields: 8)
    var whole = HTTPHeadValidator(limits: limits)
    let wholeVerdict = whole.inspect(bytes)
    var pieces = HTTPHeadValidator(limits: limits)
    var seen: [UInt8] = []
    var piecesVerdict = HTTPHeadValidator.Action.needMore
    var start = 0
    while start < bytes.count, piecesVerdict == .needMore {
        seen += bytes[start..<min(start + step, bytes.count)]
        piecesVerdict = pieces.inspect(seen)
        start += step
    }
    if case .reject(let rejection) = wholeVerdict {
        precondition(!rejection.response.isEmpty)
        precondition(piecesVerdict != .forward, "a head refused whole was accepted in pieces")
    }
    if wholeVerdict == .forward {
        precondition(piecesVerdict == .forward, "a head accepted whole was refused in pieces: \(piecesVerdict)")
        let path = RequestPath(pieces.head.path)
        precondition(!path.segments.contains { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("/") })
    }
    return 0
}
