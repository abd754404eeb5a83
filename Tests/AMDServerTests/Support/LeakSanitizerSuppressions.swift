/// The suppressions LeakSanitizer reads at exit in an AddressSanitizer run (`swift build --sanitize=address`), in its
/// own format, one `leak:FUNCTION` a line: a leak is suppressed when a frame of its allocation's stack matches, and so
/// is everything only that leak kept.
///
/// - `ffmpegSendRTP`: swift-corelibs-foundation's `Process` on Linux leaves each process object in a reference cycle
///   with its run-loop source once it has run (swiftlang/swift-corelibs-foundation#3260), with the arguments and the
///   termination handler it holds. The tests' own code keeps nothing alive.
private func leakSuppressions() -> StaticString { "leak:ffmpegSendRTP\n" }

/// C string of a literal: a string literal is stored with a terminating NUL. A function, not a global, holds the
/// literal, so that nothing needs initializing when the sanitizer asks.
private func cString(_ string: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(string.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// LeakSanitizer's hook for built-in suppressions: an AddressSanitizer build calls it at exit; others never do.
@_cdecl("__lsan_default_suppressions")
func leakSanitizerDefaultSuppressions() -> UnsafePointer<CChar> { cString(leakSuppressions()) }
