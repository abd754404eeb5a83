/// The suppressions LeakSanitizer reads at exit in an AddressSanitizer run (`swift build --sanitize=address`), in its
/// own format, one `leak:FUNCTION` a line: a leak is suppressed when a frame of its allocation's stack matches, and so
/// is everything only that leak kept.
///
/// - `ffmpegSendRTP`: swift-corelibs-foundation's `Process` on Linux leaves each process object in a reference cycle
///   with its run-loop source once it has run (swiftlang/swift-corelibs-foundation#3260), with the arguments and the
///   termination handler it holds. The tests' own code keeps nothing alive.
private func leakSuppressions() -> StaticString { "leak:ffmpegSendRTP\n" }

/// The suppressions ThreadSanitizer reads at start in a ThreadSanitizer run (`swift build --sanitize=thread`), one
/// `race:FUNCTION` a line: a report is suppressed when a frame of either access, or of the allocation of the memory
/// raced on, matches.
///
/// - `StackAllocator`: the concurrency runtime's task allocator, which holds async functions' frames. The runtime is
///   not instrumented, so TSan cannot see how it orders a continuation's resumption on one thread (NIO's
///   `EventLoopFuture.get()`) against the task's next use of the same frame memory on another, and reports a race
///   in `withUnsafeThrowingContinuation` or in the suspended async function. A frame is only ever touched by its
///   own task, so a race on one is the runtime's to order.
private func raceSuppressions() -> StaticString { "race:StackAllocator\n" }

/// C string of a literal: a string literal is stored with a terminating NUL. Functions, not globals, hold the
/// literals: ThreadSanitizer asks for its suppressions before the program's globals can be initialized.
private func cString(_ string: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(string.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// LeakSanitizer's hook for built-in suppressions: an AddressSanitizer build calls it at exit; others never do.
@_cdecl("__lsan_default_suppressions")
func leakSanitizerDefaultSuppressions() -> UnsafePointer<CChar> { cString(leakSuppressions()) }

/// ThreadSanitizer's hook for built-in suppressions: a ThreadSanitizer build calls it at start; others never do.
@_cdecl("__tsan_default_suppressions")
func threadSanitizerDefaultSuppressions() -> UnsafePointer<CChar> { cString(raceSuppressions()) }
