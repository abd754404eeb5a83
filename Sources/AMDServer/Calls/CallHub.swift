package import AMDCore
package import FoundationEssentials
import Metrics
import NIOConcurrencyHelpers
package import RTP

/// The daemon's calls: what every ingress reports to (``CallSink``) and what the API reads.
///
/// State sits behind one lock (NIO's, a pthread mutex that ThreadSanitizer sees). Ingresses call in only when
/// something happens or every few hundred milliseconds of audio, never per packet, so the lock is not on the
/// per-packet path. Events are published after the lock is released; a call's reports come from one thread, so its
/// events keep their order.
package final class CallHub: CallSink {
    /// Limits of the hub.
    package struct Limits: Sendable {
        /// Active calls at most; ``open(_:)`` returns `nil` beyond it.
        package var maxCalls: Int
        /// How long ended calls stay visible, in seconds.
        package var retention: Duration
        /// Ended calls kept at most (oldest forgotten first).
        package var maxEndedCalls: Int
        /// Registrations kept at most.
        package var maxRegistrations: Int
        /// Silence after a machine's greeting that ends it without a beep, in ms, for calls whose registration
        /// names none (`--no-beep-timeout`).
        package var noBeepTimeoutMs: Int

        /// Creates limits.
        package init(
            maxCalls: Int = 1000, retention: Duration = .seconds(600), maxEndedCalls: Int = 10_000,
            maxRegistrations: Int = 10_000,
            noBeepTimeoutMs: Int = AnswerClassifier.Configuration.defaultNoBeepTimeoutMs
        ) {
            self.maxCalls = maxCalls
            self.retention = retention
            self.maxEndedCalls = maxEndedCalls
            self.maxRegistrations = maxRegistrations
            self.noBeepTimeoutMs = noBeepTimeoutMs
        }
    }

    /// What `POST /v1/calls` returns: the registration and the call it named at once, if any.
    package struct RegistrationResult: Sendable {
        /// The registration as stored.
        package var registration: CallRegistration
        /// The active or retained call that took the id now, or `nil` when the media has not arrived yet.
        package var call: Call?
    }

    private struct Record {
        var call: Call
        /// The registration applied to this stream, if any.
        var registrationID: String?
        /// Deleted through the API while the ingress still feeds it: hidden, and its events are dropped.
        var hidden = false
    }

    private struct State {
        /// Every known stream by the id the hub gave it at open (ingresses keep using that one).
        var records: [String: Record] = [:]
        /// Public id (possibly registered) → hub id.
        var publicIDs: [String: String] = [:]
        /// Ended calls' hub ids, oldest first.
        var ended: [String] = []
        var endedHead = 0
        var activeCount = 0
        var registrations: [String: CallRegistration] = [:]
        /// How many registrations name each SSRC and each source: the RTP ingress asks per new source.
        var registeredSSRCs: [UInt32: Int] = [:]
        var registeredSources: [CallRegistration.Match.Source: Int] = [:]
        var serial: UInt64 = 0
    }

    /// The limits in force.
    package let limits: Limits
    private let bus: EventBus
    private let metrics: ServerMetrics
    private let bootTag: String
    private let state = NIOLockedValueBox(State())

    /// Creates a hub.
    package init(limits: Limits, bus: EventBus, metrics: ServerMetrics) {
        self.limits = limits
        self.bus = bus
        self.metrics = metrics
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        bootTag = String((0..<6).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] })
    }

    // MARK: CallSink

    /// Registers a call whose media just arrived: applies a matching registration and publishes `call_started`.
    ///
    /// At the call limit only a stream a registration names is still admitted: the controller asked for it, and
    /// registrations are bounded by ``Limits/maxRegistrations``.
    package func open(_ descriptor: CallDescriptor) -> String? {
        let now = Date()
        let opened: (call: Call, hubID: String)? = state.withLockedValue { state in
            sweep(&state, now: now)
            let registration = state.registrations.values.first(where: { $0.match.matches(descriptor) })
            guard state.activeCount < limits.maxCalls || registration != nil else { return nil }
            state.serial += 1
            let hubID = "\(descriptor.ingress.rawValue)-\(bootTag)-\(state.serial)"
            var call = Call(id: hubID, descriptor: descriptor, now: now)
            var registrationID: String?
            if let registration {
                registrationID = registration.id
                call.id = freeID(state, base: registration.id)
                call.metadata.merge(registration.metadata) { _, registered in registered }
            } else if let proposed = descriptor.proposedID, CallRegistration.isValidID(proposed),
                state.publicIDs[proposed] == nil, state.registrations[proposed] == nil
            {
                call.id = proposed
            }
            state.records[hubID] = Record(call: call, registrationID: registrationID)
            state.publicIDs[call.id] = hubID
            state.activeCount += 1
            return (call, hubID)
        }
        guard let opened else {
            metrics.callsRejected.increment()
            return nil
        }
        metrics.callsStarted.increment()
        metrics.activeCalls.record(activeCount)
        metrics.activeCallsByIngress[descriptor.ingress]?.increment()
        bus.publish(callID: opened.call.id, at: now, details: .callStarted(opened.call))
        // The ingress keeps the hub's own id; a registration renames only the public id.
        return opened.hubID
    }

    /// Refreshes a call's counters.
    package func update(_ id: String, counters: CallCounters) {
        let now = Date()
        state.withLockedValue { state in
            guard state.records[id]?.call.state == .active else { return }
            state.records[id]?.call.apply(counters, now: now)
        }
    }

    /// Records the call's first beep and publishes a `beep` event (every beep is published).
    package func beep(_ id: String, event: BeepEvent, counters: CallCounters) {
        let now = Date()
        let call: Call? = state.withLockedValue { state in
            guard var record = state.records[id] else { return nil }
            record.call.apply(counters, now: now)
            if record.call.beep == nil {
                record.call.beep = Call.Beep(event, detectedAt: now)
            }
            state.records[id] = record
            return record.hidden ? nil : record.call
        }
        guard let call else { return }
        metrics.beeps.increment()
        bus.publish(callID: call.id, at: now, details: .beep(event, call))
    }

    /// Records who answered the call and publishes an `answer` event (once per call).
    package func answer(_ id: String, decision: AnswerDecision, counters: CallCounters) {
        let now = Date()
        let call = firstRecord(id, counters: counters, now: now) { call in
            guard call.answer == nil else { return false }
            call.answer = Call.Answer(decision)
            return true
        }
        guard let call else { return }
        metrics.answers[decision.answeredBy]?.increment()
        bus.publish(callID: call.id, at: now, details: .answer(decision, call))
    }

    /// Records how a machine's greeting ended and publishes a `machine_end` event (once per call).
    package func machineEnd(_ id: String, end: MachineEnd, counters: CallCounters) {
        let now = Date()
        let call = firstRecord(id, counters: counters, now: now) { call in
            guard call.machineEnd == nil else { return false }
            call.machineEnd = Call.End(end)
            return true
        }
        guard let call else { return }
        metrics.machineEnds[end.outcome]?.increment()
        bus.publish(callID: call.id, at: now, details: .machineEnd(end, call))
    }

    /// Applies `record` (which returns false when the call already holds what it would record) and `counters` to the
    /// call `id` under the lock; returns the call to publish, or nil when it is unknown, hidden or already recorded.
    private func firstRecord(
        _ id: String, counters: CallCounters, now: Date, _ record: (inout Call) -> Bool
    ) -> Call? {
        state.withLockedValue { state in
            guard var stored = state.records[id], record(&stored.call) else { return nil }
            stored.call.apply(counters, now: now)
            state.records[id] = stored
            return stored.hidden ? nil : stored.call
        }
    }

    /// Appends a DTMF digit to the call's `dtmf` string (bounded to 256 digits).
    package func dtmf(_ id: String, digit: String) {
        let now = Date()
        state.withLockedValue { state in
            guard var record = state.records[id], record.call.dtmf.count < 256 else { return }
            record.call.dtmf += digit.prefix(1)
            record.call.updatedAt = now
            state.records[id] = record
        }
        metrics.dtmfDigits.increment()
    }

    /// Ends a call and publishes `call_ended`; the record stays visible for the retention period.
    package func close(_ id: String, counters: CallCounters, reason: CallEndReason) {
        let now = Date()
        let call: Call? = state.withLockedValue { state in
            guard var record = state.records[id], record.call.state == .active else { return nil }
            record.call.apply(counters, now: now)
            record.call.state = .ended
            record.call.endReason = reason.label
            state.activeCount -= 1
            metrics.activeCallsByIngress[record.call.ingress]?.decrement()
            if record.hidden {
                state.records[id] = nil
                return nil
            }
            state.records[id] = record
            state.ended.append(id)
            sweep(&state, now: now)
            return record.call
        }
        metrics.activeCalls.record(activeCount)
        guard let call else { return }
        bus.publish(callID: call.id, at: now, details: .callEnded(call))
    }

    // MARK: API

    /// Active calls and those ended within the retention period, oldest first.
    package func calls() -> [Call] {
        let now = Date()
        return state.withLockedValue { state in
            sweep(&state, now: now)
            return state.records.values.filter { !$0.hidden }.map(\.call)
        }
        .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// The call with public id `id`, if active or retained.
    package func call(_ id: String) -> Call? {
        state.withLockedValue { state in
            guard let hubID = state.publicIDs[id], let record = state.records[hubID], !record.hidden else { return nil }
            return record.call
        }
    }

    /// The no-beep timeout for the stream the hub opened as `id`, in ms: its registration's, else the daemon's.
    package func noBeepTimeoutMs(forCall id: String) -> Int? {
        state.withLockedValue { state in
            guard let registrationID = state.records[id]?.registrationID else { return limits.noBeepTimeoutMs }
            return state.registrations[registrationID]?.noBeepTimeoutMs ?? limits.noBeepTimeoutMs
        }
    }

    /// Active calls now.
    package var activeCount: Int { state.withLockedValue { $0.activeCount } }

    /// Whether a registration names this SSRC or this source (see ``CallSink/isRegistered(address:port:ssrc:)``).
    package func isRegistered(address: IPAddress, port: UInt16, ssrc: UInt32) -> Bool {
        state.withLockedValue { state in
            if state.registrations.isEmpty { return false }
            return state.registeredSSRCs[ssrc] != nil
                || state.registeredSources[CallRegistration.Match.Source(address: address, port: port)] != nil
        }
    }

    /// Names media before or after it arrives (`POST /v1/calls`).
    ///
    /// An active call that matches and has no registration yet takes the id at once; later streams take it
    /// when they start. Throws ``CallHubError/invalid(_:)`` for a bad id or an empty match and
    /// ``CallHubError/conflict(_:)`` when the id is in use or another registration has the same match.
    package func register(_ proposed: CallRegistration) throws(CallHubError) -> RegistrationResult {
        let (registration, source) = try proposed.validated()
        let now = Date()
        return try withState { state throws(CallHubError) in
            sweep(&state, now: now)
            if state.registrations[registration.id] != nil {
                throw .conflict("a registration with id \(registration.id) already exists")
            }
            if state.publicIDs[registration.id] != nil {
                throw .conflict("a call with id \(registration.id) already exists")
            }
            if let other = state.registrations.values.first(where: { $0.match == registration.match }) {
                throw .conflict("registration \(other.id) already has this match")
            }
            guard state.registrations.count < limits.maxRegistrations else {
                throw .conflict("too many registrations (\(limits.maxRegistrations)); delete some first")
            }
            state.registrations[registration.id] = registration
            if let ssrc = registration.match.ssrc { state.registeredSSRCs[ssrc, default: 0] += 1 }
            if let source { state.registeredSources[source, default: 0] += 1 }
            // The earliest active stream that matches and is not yet named takes the id now.
            let candidate = state.records
                .filter { $0.value.call.state == .active && $0.value.registrationID == nil && !$0.value.hidden }
                .filter { registration.match.matches(CallDescriptor($0.value.call)) }
                .min { $0.value.call.startedAt < $1.value.call.startedAt }
            guard let candidate else { return RegistrationResult(registration: registration, call: nil) }
            let hubID = candidate.key
            var record = candidate.value
            state.publicIDs[record.call.id] = nil
            record.call.id = registration.id
            record.call.metadata.merge(registration.metadata) { _, registered in registered }
            record.call.updatedAt = now
            record.registrationID = registration.id
            state.records[hubID] = record
            state.publicIDs[registration.id] = hubID
            return RegistrationResult(registration: registration, call: record.call)
        }
    }

    /// The registration with id `id`, if any.
    package func registration(_ id: String) -> CallRegistration? {
        state.withLockedValue { $0.registrations[id] }
    }

    /// Runs `body` under the lock, keeping its typed error (``NIOLockedValueBox/withLockedValue(_:)`` rethrows untyped).
    private func withState<T>(_ body: (inout State) throws(CallHubError) -> T) throws(CallHubError) -> T {
        try state.withLockedValue { state in Result { () throws(CallHubError) in try body(&state) } }.get()
    }

    /// Stops tracking `id` (`DELETE /v1/calls/{id}`): drops the registration and the call with that id.
    ///
    /// An active call is hidden (no more events) until its ingress closes it. Throws
    /// ``CallHubError/notFound(id:)`` when neither exists.
    package func delete(_ id: String) throws(CallHubError) {
        try withState { state throws(CallHubError) in
            let registration = state.registrations.removeValue(forKey: id)
            if let match = registration?.match {
                if let ssrc = match.ssrc { Self.release(ssrc, from: &state.registeredSSRCs) }
                if let source = match.source.flatMap(CallRegistration.Match.Source.init(parsing:)) {
                    Self.release(source, from: &state.registeredSources)
                }
            }
            let hubID = state.publicIDs.removeValue(forKey: id)
            guard registration != nil || hubID != nil else { throw .notFound(id: id) }
            guard let hubID, let record = state.records[hubID] else { return }
            if record.call.state == .active {
                state.records[hubID]?.hidden = true
            } else {
                state.records[hubID] = nil
            }
        }
    }

    /// Forgets ended calls past the retention period or the count bound.
    package func sweep() {
        let now = Date()
        state.withLockedValue { sweep(&$0, now: now) }
    }

    // MARK: Private

    private func sweep(_ state: inout State, now: Date) {
        let retention =
            Double(limits.retention.components.seconds)
            + Double(limits.retention.components.attoseconds) / 1e18
        let cutoff = now.addingTimeInterval(-retention)
        while state.endedHead < state.ended.count {
            let hubID = state.ended[state.endedHead]
            guard let record = state.records[hubID] else {
                state.endedHead += 1
                continue
            }
            let keptEnded = state.ended.count - state.endedHead
            guard record.call.updatedAt < cutoff || keptEnded > limits.maxEndedCalls else { break }
            state.records[hubID] = nil
            if state.publicIDs[record.call.id] == hubID { state.publicIDs[record.call.id] = nil }
            state.endedHead += 1
        }
        if state.endedHead > 1024 && state.endedHead * 2 > state.ended.count {
            state.ended.removeFirst(state.endedHead)
            state.endedHead = 0
        }
    }

    /// Lowers `key`'s count in a registration index, removing it at zero.
    private static func release<Key: Hashable>(_ key: Key, from index: inout [Key: Int]) {
        guard let count = index[key] else { return }
        index[key] = count > 1 ? count - 1 : nil
    }

    /// An id free for a stream named by registration `base`: `base`, else `base.2`, `base.3`, …
    private func freeID(_ state: State, base: String) -> String {
        if state.publicIDs[base] == nil { return base }
        var n = 2
        while state.publicIDs["\(base).\(n)"] != nil { n += 1 }
        return "\(base).\(n)"
    }
}

extension Call {
    fileprivate mutating func apply(_ counters: CallCounters, now: Date) {
        audioMs = counters.audioMs
        packets = counters.packets
        packetsLost = counters.packetsLost
        updatedAt = now
    }
}

extension CallDescriptor {
    fileprivate init(_ call: Call) {
        self.init(ingress: call.ingress, source: call.source, ssrc: call.ssrc, codec: call.codec)
    }
}
