import Foundation
import Testing

/// How many times longer than in a normal run the tests wait for the daemon: `AMD_EDGE_TEST_TIME_SCALE`, a number of
/// at least 1 (default 1).
///
/// A sanitized run (`swift test --sanitize=thread`) slows the daemon 5 to 20 times and still runs every suite at
/// once, so a wait sized for a normal run runs out before the daemon has had its share of the two cores. Only the
/// tests' waits grow; the daemon's own timeouts, and every expectation about them, stay as they are.
let testTimeScale: Double = {
    guard let text = ProcessInfo.processInfo.environment["AMD_EDGE_TEST_TIME_SCALE"],
        let value = Double(text), value >= 1
    else { return 1 }
    return value
}()

extension Duration {
    /// This duration times ``testTimeScale``: how long a test waits for something it was told to wait this long for.
    var scaled: Duration { self * testTimeScale }
}

extension Trait where Self == TimeLimitTrait {
    /// `.timeLimit(.minutes(minutes))` times ``testTimeScale``, rounded up to whole minutes (the unit the trait
    /// counts in).
    static func scaledTimeLimit(minutes: Int) -> Self {
        .timeLimit(.minutes(Int((Double(minutes) * testTimeScale).rounded(.up))))
    }
}
