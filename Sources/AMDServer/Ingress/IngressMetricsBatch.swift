/// What one call has not yet added to the daemon's metrics: units received (RTP datagrams, websocket messages, ALSA
/// periods), audio samples given to the detector and the detector's time.
///
/// A ``CallReporter`` counts into one on the per-packet path, which touches no shared counter, and hands it to its
/// ``IngressMetricsRecorder`` in one go every ``CallCounters/reportIntervalMs`` of stream time and when the call
/// ends. A value owned by the call's event loop, task or thread.
package struct IngressMetricsBatch: Sendable, Hashable {
    /// Units received since the last flush.
    package private(set) var units: Int64 = 0
    /// Audio samples given to the detector since the last flush, at the call's rate.
    package private(set) var samples: Int64 = 0
    /// Wall-clock nanoseconds spent in the detector since the last flush.
    package private(set) var detectorNanoseconds: Int64 = 0

    /// An empty batch.
    package init() {}

    /// Whether nothing was added since the last flush.
    package var isEmpty: Bool { units == 0 && samples == 0 && detectorNanoseconds == 0 }

    /// Adds what one unit (or, with `units: 0`, some audio) brought.
    /// - Parameters:
    ///   - units: datagrams, messages or periods received.
    ///   - samples: audio samples given to the detector.
    ///   - detectorNanoseconds: wall-clock time the detector took over them.
    mutating func add(units: Int64 = 0, samples: Int64 = 0, detectorNanoseconds: Int64 = 0) {
        self.units += units
        self.samples += samples
        self.detectorNanoseconds += detectorNanoseconds
    }
}
