import Metrics

/// What one ingress stream has not yet added to the daemon's metrics: units received (websocket frames, ALSA
/// periods), audio samples and detector time.
///
/// Every ingress (RTP, websocket, ALSA) counts into one of these on its per-packet path, which touches no shared
/// counter, and adds it to the metrics in one go about every ``CallCounters/reportIntervalMs`` of audio and when
/// the stream ends. A value owned by the stream's event loop, task or thread.
struct IngressMetricsBatch: Sendable {
    /// Units received since the last flush.
    private var units: Int64 = 0
    /// Audio samples since the last flush, over every call the stream carries.
    private var samples: Int64 = 0
    /// Wall-clock nanoseconds spent in the detectors since the last flush.
    private var detectorNanoseconds: Int64 = 0
    private static let nanosecondsPerSecond = 1e9

    /// An empty batch.
    init() {}

    /// Whether nothing was added since the last flush.
    var isEmpty: Bool { units == 0 && samples == 0 && detectorNanoseconds == 0 }

    /// Units received since the last flush.
    var pendingUnits: Int64 { units }

    /// Adds what one unit (or, with `units: 0`, some audio) brought.
    /// - Parameters:
    ///   - units: frames or periods received.
    ///   - samples: audio samples, over every call the unit feeds.
    ///   - detectorNanoseconds: wall-clock time the detectors took over them.
    mutating func add(units: Int64 = 0, samples: Int64, detectorNanoseconds: Int64) {
        self.units += units
        self.samples += samples
        self.detectorNanoseconds += detectorNanoseconds
    }

    /// Adds the batch to the metrics and empties it: the units to `unitsCounter`, the samples as
    /// `amd_audio_seconds_total` at `sampleRate` (none when the rate is not known yet, 0), the detector time as
    /// `amd_detector_seconds_total`.
    mutating func flush(to metrics: ServerMetrics, sampleRate: Int, unitsCounter: CoreMetrics.Counter? = nil) {
        if let unitsCounter { unitsCounter.increment(by: units) }
        if sampleRate > 0 { metrics.audioSeconds.increment(by: Double(samples) / Double(sampleRate)) }
        metrics.detectorSeconds.increment(by: Double(detectorNanoseconds) / Self.nanosecondsPerSecond)
        self = IngressMetricsBatch()
    }
}
