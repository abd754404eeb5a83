import AMDCore
import AMDServer
import Foundation
import NIOCore
import Synchronization
import Testing

/// `deploy/grafana/amd-edge.json` against a real scrape: every metric its queries name is one the daemon exports.
struct GrafanaDashboardTests {
    /// Metrics the dashboard already charts that the daemon does not export yet (none today). The test fails once
    /// one is exported, so the list stays true.
    static let pending: Set<String> = []

    /// The dashboard file, from the repository.
    static func dashboard() throws -> [String: Any] {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/grafana/amd-edge.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: path))
        return try #require(object as? [String: Any])
    }

    /// Every `expr` of every panel's targets.
    static func expressions(_ dashboard: [String: Any]) -> [String] {
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        return panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
    }

    /// The `amd_` metric names in a PromQL expression.
    static func metricNames(_ expression: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "\\bamd_[a-z0-9_]+")
        let range = NSRange(expression.startIndex..., in: expression)
        return Set(
            regex.matches(in: expression, range: range).compactMap {
                Range($0.range, in: expression).map { String(expression[$0]) }
            })
    }

    /// The series names a Prometheus text exposition holds: each family's name, and a histogram's `_bucket`,
    /// `_sum` and `_count`.
    static func exportedNames(_ scrape: String) -> Set<String> {
        var names: Set<String> = []
        for line in scrape.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4 else { continue }
            let name = String(fields[2])
            names.insert(name)
            if fields[3] == "histogram" || fields[3] == "summary" {
                names.formUnion(["_bucket", "_sum", "_count"].map { name + $0 })
            }
        }
        return names
    }

    @Test func panelsCoverWhatOperatorsWatch() throws {
        let dashboard = try Self.dashboard()
        #expect(dashboard["uid"] as? String == "amd-edge")
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        let titles = panels.compactMap { $0["title"] as? String }
        for wanted in [
            "Active calls by ingress", "Packets and frames in", "RTP packets dropped by reason",
            "Beeps and answers per minute", "Notification queue depth", "Notification failures per minute",
            "Event delay", "Machine greeting ends per minute",
        ] {
            #expect(titles.contains(wanted), "no panel \"\(wanted)\"")
        }
        let names = Self.expressions(dashboard).reduce(into: Set<String>()) { $0.formUnion(Self.metricNames($1)) }
        #expect(names.contains("amd_event_delay_seconds_bucket") && names.contains("amd_calls_active_by_ingress"))
        #expect(names.contains("amd_answers_total") && names.contains("amd_machine_ends_total"))
    }

    @Test(.scaledTimeLimit(minutes: 1))
    func everyMetricTheDashboardQueriesIsInARealScrape() async throws {
        let names = Self.expressions(try Self.dashboard())
            .reduce(into: Set<String>()) { $0.formUnion(Self.metricNames($1)) }
        #expect(names.count >= 15)
        // A daemon with each kind of series alive: an ALSA device (its call opens at start, so its metrics exist),
        // and a UDP notification target, whose delivery of an RTP call's call_started event fills the delay
        // histogram and the queue gauge.
        let (receiver, channel) = try await UDPReceiver.start()
        defer { channel.close(promise: nil) }
        let device = try ALSATestDevice(samples: [Int16](repeating: 0, count: 1600), input: .pipe)
        defer { device.remove() }
        let target = HostPort(host: "127.0.0.1", port: channel.localAddress?.port ?? 0)
        try await withDaemon({
            $0.notifyUDP = [target]
            $0.alsa = [device.name]
        }) { control, ports in
            defer { device.closeInput() }
            // The notifier subscribes when its service starts, after the ALSA call opened.
            try await eventually("the UDP notifier to subscribe") { control.bus.subscriberCount > 0 }
            _ = try #require(control.hub.open(rtpDescriptor()))
            try await eventually("the call_started datagram") { receiver.received.withLock { !$0.isEmpty } }
            var scrape = ""
            try await eventually("the delivery to be measured") {
                scrape = try await fetchMetrics(port: ports.http)
                return scrape.contains("amd_event_delay_seconds_count")
            }
            let exported = Self.exportedNames(scrape)
            let missing = names.subtracting(exported).subtracting(Self.pending)
            #expect(missing.isEmpty, "the dashboard queries metrics the daemon does not export: \(missing.sorted())")
            let landed = Self.pending.intersection(exported)
            #expect(landed.isEmpty, "now exported, take them off the pending list: \(landed.sorted())")
            #expect(metricValue(scrape, #"amd_calls_active_by_ingress{ingress="alsa"}"#) == 1)
            #expect(metricValue(scrape, #"amd_calls_active_by_ingress{ingress="rtp"}"#) == 1)
        }
    }
}
