package import AMDCore
package import Metrics
import NIOConcurrencyHelpers
package import Prometheus
package import RTP

/// The daemon's metrics, created through swift-metrics on a Prometheus registry that `GET /metrics` renders.
///
/// Each daemon owns its registry, so several daemons (tests) can run in one process; `amd-edge run` also
/// bootstraps `MetricsSystem` with ``factory`` so that libraries' metrics land in the same registry.
/// Per-packet code holds the `Counter` objects it needs (created once); nothing here is looked up per packet.
package final class ServerMetrics: Sendable {
    /// Why a datagram was dropped, as the `reason` label of `amd_rtp_packets_dropped_total`.
    ///
    /// Datagrams that are not RTP are counted by the parse fault (``RTPParseError/reason``); the other reasons
    /// come from the allow-list, the call limit and the stream's jitter buffer.
    package enum DropReason: String, Sendable, CaseIterable {
        /// Shorter than the 12-byte RTP header (``RTPParseError/tooShort(count:)``).
        case tooShort = "too_short"
        /// RTP version not 2 (``RTPParseError/badVersion(version:)``).
        case badVersion = "bad_version"
        /// RTCP on the RTP port (``RTPParseError/rtcp(packetType:)``).
        case rtcp
        /// The CSRC list runs past the datagram (``RTPParseError/csrcOverrun(csrcCount:count:)``).
        case csrcOverrun = "csrc_overrun"
        /// The header extension runs past the datagram (``RTPParseError/extensionOverrun(extensionEnd:count:)``).
        case extensionOverrun = "extension_overrun"
        /// The padding count is 0 or larger than the payload (``RTPParseError/badPadding(paddingCount:available:)``).
        case badPadding = "bad_padding"
        /// An RTP payload type the daemon does not decode (not PCMU, PCMA, comfort noise or telephone-event).
        case unsupportedPayload = "unsupported_payload"
        /// Comfort noise or telephone-event from a stream that has sent no audio yet (a call starts with audio).
        case beforeAudio = "before_audio"
        /// The source is not in `--rtp-allow`.
        case notAllowed = "not_allowed"
        /// A new stream beyond `--max-calls`.
        case callLimit = "call_limit"
        /// A packet held while its source was unproven (RFC 3550 probation), discarded when a later packet that
        /// was not its successor (another SSRC, a sequence gap) or a newcomer took its place.
        case probation
        /// A new source while the probation table was full of live sources.
        case probationFull = "probation_full"
        /// Too late for the jitter buffer (its sequence number was already played out or skipped).
        case late
        /// A sequence number already buffered or played.
        case duplicate
        /// A sequence number too far from the stream's (RFC 3550 A.1); two in a row restart the stream.
        case outOfRange = "out_of_range"
        /// A payload larger than the jitter buffer keeps (1500 bytes).
        case oversize

        /// The reason for a datagram that failed to parse.
        package init(_ error: RTPParseError) {
            switch error {
            case .tooShort: self = .tooShort
            case .badVersion: self = .badVersion
            case .rtcp: self = .rtcp
            case .csrcOverrun: self = .csrcOverrun
            case .extensionOverrun: self = .extensionOverrun
            case .badPadding: self = .badPadding
            }
        }
    }

    /// The registry that `GET /metrics` renders.
    package let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory writing to ``registry``.
    package let factory: PrometheusMetricsFactory

    /// RTP datagrams received, before any check.
    package let packetsReceived: CoreMetrics.Counter
    /// Calls currently active.
    package let activeCalls: CoreMetrics.Gauge
    /// Calls started since the daemon started.
    package let callsStarted: CoreMetrics.Counter
    /// New streams refused at the call limit.
    package let callsRejected: CoreMetrics.Counter
    /// Beeps reported.
    package let beeps: CoreMetrics.Counter
    /// DTMF digits seen.
    package let dtmfDigits: CoreMetrics.Counter
    /// Answer decisions by who answered (`amd_answers_total{answered_by}`).
    package let answers: [AnsweredBy: CoreMetrics.Counter]
    /// Machine greetings' ends by outcome (`amd_machine_ends_total{outcome}`).
    package let machineEnds: [MachineEnd.Outcome: CoreMetrics.Counter]
    /// Seconds spent in the detector (wall-clock), to divide by ``audioSeconds``.
    package let detectorSeconds: CoreMetrics.FloatingPointCounter
    /// Seconds of audio given to the detector.
    package let audioSeconds: CoreMetrics.FloatingPointCounter

    /// Calls currently active per ingress (`amd_calls_active_by_ingress{ingress}`), for the dashboard's split.
    package let activeCallsByIngress: [CallIngress: CoreMetrics.Meter]
    /// Delay from an event's publication to its delivery on each push channel, in seconds
    /// (`amd_event_delay_seconds{channel}`, a histogram), and the events still queued behind it
    /// (`amd_notify_queue_depth{channel}`).
    private let delivery: NIOLockedValueBox<[EventChannel: (delay: CoreMetrics.Timer, depth: CoreMetrics.Gauge)]>
    private let dropped: [DropReason: CoreMetrics.Counter]
    private let channels: NIOLockedValueBox<[EventChannel: (sent: CoreMetrics.Counter, dropped: CoreMetrics.Counter)]>

    /// Creates the metrics on a new registry.
    package init() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        packetsReceived = CoreMetrics.Counter(label: "amd_rtp_packets_received_total", factory: factory)
        activeCalls = CoreMetrics.Gauge(label: "amd_calls_active", factory: factory)
        callsStarted = CoreMetrics.Counter(label: "amd_calls_started_total", factory: factory)
        callsRejected = CoreMetrics.Counter(label: "amd_calls_rejected_total", factory: factory)
        beeps = CoreMetrics.Counter(label: "amd_beeps_total", factory: factory)
        dtmfDigits = CoreMetrics.Counter(label: "amd_dtmf_digits_total", factory: factory)
        var answers: [AnsweredBy: CoreMetrics.Counter] = [:]
        for answeredBy in AnsweredBy.allCases {
            answers[answeredBy] = CoreMetrics.Counter(
                label: "amd_answers_total", dimensions: [("answered_by", answeredBy.rawValue)], factory: factory)
        }
        self.answers = answers
        var machineEnds: [MachineEnd.Outcome: CoreMetrics.Counter] = [:]
        for outcome in MachineEnd.Outcome.allCases {
            machineEnds[outcome] = CoreMetrics.Counter(
                label: "amd_machine_ends_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.machineEnds = machineEnds
        detectorSeconds = CoreMetrics.FloatingPointCounter(label: "amd_detector_seconds_total", factory: factory)
        audioSeconds = CoreMetrics.FloatingPointCounter(label: "amd_audio_seconds_total", factory: factory)
        var dropped: [DropReason: CoreMetrics.Counter] = [:]
        for reason in DropReason.allCases {
            dropped[reason] = CoreMetrics.Counter(
                label: "amd_rtp_packets_dropped_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.dropped = dropped
        var byIngress: [CallIngress: CoreMetrics.Meter] = [:]
        for ingress in [CallIngress.rtp, .websocket, .alsa] {
            byIngress[ingress] = CoreMetrics.Meter(
                label: "amd_calls_active_by_ingress", dimensions: [("ingress", ingress.rawValue)], factory: factory)
        }
        activeCallsByIngress = byIngress
        delivery = NIOLockedValueBox([:])
        channels = NIOLockedValueBox([:])
        for channel in EventChannel.allCases { _ = self.channelCounters(channel) }
    }

    /// The counter of datagrams dropped for `reason`.
    package func packetsDropped(_ reason: DropReason) -> CoreMetrics.Counter {
        // Every reason was created in init.
        dropped[reason]
            ?? CoreMetrics.Counter(
                label: "amd_rtp_packets_dropped_total", dimensions: [("reason", reason.rawValue)],
                factory: factory)
    }

    /// Counts one event delivered on `channel` (`"udp"`, `"webhook"`, `"websocket"`, `"longpoll"`).
    package func eventSent(channel: EventChannel) { channelCounters(channel).sent.increment() }

    /// Counts `count` events delivered at once on `channel` (a long-poll reply carries a page of them).
    package func eventSent(channel: EventChannel, count: Int) { channelCounters(channel).sent.increment(by: count) }

    /// Counts one event a channel dropped (queue full, retries exhausted).
    package func eventDropped(channel: EventChannel) { channelCounters(channel).dropped.increment() }

    /// Counts `count` events a channel lost at once (a long-poll client fell behind the bounded history).
    package func eventDropped(channel: EventChannel, count: Int) {
        channelCounters(channel).dropped.increment(by: count)
    }

    private func channelCounters(_ channel: EventChannel) -> (sent: CoreMetrics.Counter, dropped: CoreMetrics.Counter) {
        channels.withLockedValue { channels in
            if let counters = channels[channel] { return counters }
            let counters = (
                sent: CoreMetrics.Counter(
                    label: "amd_events_sent_total", dimensions: [("channel", channel.rawValue)], factory: factory),
                dropped: CoreMetrics.Counter(
                    label: "amd_events_dropped_total", dimensions: [("channel", channel.rawValue)],
                    factory: factory)
            )
            channels[channel] = counters
            return counters
        }
    }

    /// Records one event delivered (or given up) on push channel `channel`: `delaySeconds` since it was published,
    /// and `backlog` events still queued behind it.
    package func notified(channel: EventChannel, delaySeconds: Double, backlog: UInt64) {
        let metrics = delivery.withLockedValue { delivery in
            if let metrics = delivery[channel] { return metrics }
            let dimensions = [("channel", channel.rawValue)]
            let metrics = (
                delay: CoreMetrics.Timer(label: "amd_event_delay_seconds", dimensions: dimensions, factory: factory),
                depth: CoreMetrics.Gauge(label: "amd_notify_queue_depth", dimensions: dimensions, factory: factory)
            )
            delivery[channel] = metrics
            return metrics
        }
        metrics.delay.recordNanoseconds(Int64(max(0, delaySeconds) * 1e9))
        metrics.depth.record(Int64(clamping: backlog))
    }

    /// The registry in Prometheus text format.
    package func render() -> String { registry.emitToString() }
}
