/// The suppressions LeakSanitizer reads at exit in an AddressSanitizer run (`swift build --sanitize=address`), in its
/// own format, one `leak:FUNCTION` a line: a leak is suppressed when a frame of its allocation's stack matches, and so
/// is everything only that leak kept.
///
/// - `ffmpegSendRTP`: swift-corelibs-foundation's `Process` on Linux leaves each process object in a reference cycle
///   with its run-loop source once it has run (swiftlang/swift-corelibs-foundation#3260), with the arguments and the
///   termination handler it holds. The tests' own code keeps nothing alive.
private let leakSuppressions: StaticString = "leak:ffmpegSendRTP\n"

/// LeakSanitizer's hook for built-in suppressions: a sanitized build calls it at exit; other builds never do.
@_cdecl("__lsan_default_suppressions")
func leakSanitizerDefaultSuppressions() -> UnsafePointer<CChar> {
    // A string literal is stored with a terminating NUL, as a C string.
    UnsafeRawPointer(leakSuppressions.utf8Start).assumingMemoryBound(to: CChar.self)
}
