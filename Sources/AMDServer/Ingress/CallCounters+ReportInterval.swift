extension CallCounters {
    /// How often every ingress (RTP, websocket, ALSA) refreshes a call's counters at the sink (and its detector
    /// metrics), in milliseconds of stream time: often enough for `GET /v1/calls` to look live, rarely enough that
    /// the per-packet path almost never takes the hub's lock.
    static let reportIntervalMs: Int64 = 500
}
