import NIOConcurrencyHelpers

/// A running daemon seen from outside: its parts, the ports it bound, and a way to stop it.
///
/// `Sendable`, so tests and signal handlers can hold it while ``Daemon/run()`` runs in another task.
package final class DaemonControl: Sendable {
    /// Ports the daemon listens on once running.
    package struct Ports: Sendable, Hashable {
        /// The HTTP API's port.
        package var http: Int
        /// RTP ports, in the order of the `--rtp` ranges.
        package var rtp: [Int]
    }

    /// Why waiting for the daemon failed.
    package enum WaitError: Error, Sendable {
        /// The daemon did not listen within the time allowed.
        case timeout
        /// The daemon stopped before it listened.
        case stopped
    }

    private struct State {
        var http: Int?
        var rtp: [Int]?
        var stopped = false
        var waiters: [CheckedContinuation<Ports?, Never>] = []
        var shutdown: (@Sendable () async -> Void)?
        var shutdownRequested = false
    }

    /// The calls.
    package let hub: CallHub
    /// The events.
    package let bus: EventBus
    /// The metrics.
    package let metrics: ServerMetrics
    private let state = NIOLockedValueBox(State())

    init(hub: CallHub, bus: EventBus, metrics: ServerMetrics) {
        self.hub = hub
        self.bus = bus
        self.metrics = metrics
    }

    /// Waits until the HTTP and RTP sockets are bound and returns their ports.
    package func listening(timeout: Duration = .seconds(30)) async throws(WaitError) -> Ports {
        let ports: Ports? = await withTaskGroup(of: Ports?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready: Ports?? = self.state.withLockedValue { state in
                        if let ports = Self.ports(state) { return .some(ports) }
                        if state.stopped { return .some(nil) }
                        state.waiters.append(continuation)
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let ports { return ports }
        throw state.withLockedValue { $0.stopped } ? .stopped : .timeout
    }

    /// Starts a graceful shutdown: stop ingress, end client streams, finish notifications within the deadline.
    package func shutdown() async {
        let action = state.withLockedValue { state in
            state.shutdownRequested = true
            return state.shutdown
        }
        await action?()
    }

    // MARK: Daemon side

    func httpBound(_ port: Int) { report { $0.http = port } }

    func rtpBound(_ ports: [Int]) { report { $0.rtp = ports } }

    func stopped() { report { $0.stopped = true } }

    /// Installs the shutdown action; returns `true` when a shutdown was already asked for.
    func setShutdown(_ action: @escaping @Sendable () async -> Void) -> Bool {
        state.withLockedValue { state in
            state.shutdown = action
            return state.shutdownRequested
        }
    }

    private func report(_ change: (inout State) -> Void) {
        let (waiters, ports): ([CheckedContinuation<Ports?, Never>], Ports?) = state.withLockedValue { state in
            change(&state)
            let ports = Self.ports(state)
            guard ports != nil || state.stopped else { return ([], nil) }
            defer { state.waiters = [] }
            return (state.waiters, ports)
        }
        for waiter in waiters { waiter.resume(returning: ports) }
    }

    private static func ports(_ state: State) -> Ports? {
        guard let http = state.http, let rtp = state.rtp else { return nil }
        return Ports(http: http, rtp: rtp)
    }
}
