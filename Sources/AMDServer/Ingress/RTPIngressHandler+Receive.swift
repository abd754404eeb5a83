import Metrics
import NIOCore

extension RTPIngressHandler {
    /// Handles one datagram from an allowed source.
    ///
    /// Parsing and reassembly come from the `RTP` module (branch `rtp`); until it is merged, datagrams are
    /// counted and dropped as malformed.
    func receive(_ datagram: ByteBuffer, from source: SocketAddress, now: NIODeadline) {
        metrics.packetsDropped(.malformed).increment()
    }
}
