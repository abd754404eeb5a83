/// A way events leave the daemon, as the `channel` label of the event counters and the delivery metrics names it.
package enum EventChannel: String, Sendable, Hashable, CaseIterable {
    /// `GET /v1/events` replies (long-poll).
    case longpoll
    /// The `/v1/events/ws` event stream.
    case websocket
    /// `--notify-udp` datagrams.
    case udp
    /// `--webhook` POSTs.
    case webhook
}
