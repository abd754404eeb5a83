extension Duration {
    /// The duration in whole milliseconds, rounded toward zero: what the detector's millisecond settings take.
    package var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(clamping: seconds * Self.millisecondsPerSecond + attoseconds / Self.attosecondsPerMillisecond)
    }

    private static let millisecondsPerSecond: Int64 = 1000
    private static let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
}
