/// Why a call ended: `end_reason` in the Call JSON and the `call_ended` event.
package enum CallEndReason: Sendable, Hashable, CustomStringConvertible {
    /// No media for `--idle-timeout`.
    case idle
    /// The daemon shut down.
    case shutdown
    /// The websocket client closed the connection.
    case closed
    /// The capture device failed (an ALSA read error that recovery could not mend).
    case deviceError
    /// The websocket ingress closed the connection for what the client sent; the label names the fault
    /// (`too_large`, `odd_byte_count`, `idle`, … as `amd_ws_connections_rejected_total` counts it).
    case refused(label: String)

    /// The stable word the API and events carry.
    package var label: String {
        switch self {
        case .idle: "idle"
        case .shutdown: "shutdown"
        case .closed: "closed"
        case .deviceError: "device_error"
        case .refused(let label): label
        }
    }

    /// The label.
    package var description: String { label }
}
