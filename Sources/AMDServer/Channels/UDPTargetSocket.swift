import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The datagram socket the UDP notifier sends one target's events from.
///
/// NIO closes a datagram channel on a send error it cannot recover from (`EACCES` to a broadcast address,
/// `ENETUNREACH` while a route is down), and every later send on it would fail. So a closed socket is opened again
/// for the next event: a passing network fault costs the events sent during it, not the target for the daemon's life.
/// Sends come one at a time from the notifier's loop; the lock only guards the channel against ``close()``.
final class UDPTargetSocket: Sendable {
    /// Where datagrams go.
    let address: SocketAddress
    private let metrics: ServerMetrics
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    init(address: SocketAddress, metrics: ServerMetrics) {
        self.address = address
        self.metrics = metrics
    }

    /// Binds a fresh socket on an ephemeral port of the target's address family.
    func open() async throws {
        let bindHost = address.protocol == .inet6 ? "::" : "0.0.0.0"
        let opened = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { [metrics] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPSendErrorCounter(metrics: metrics))
                }
            }
            .bind(host: bindHost, port: 0).get()
        channel.withLockedValue { $0 = opened }
    }

    /// Sends `text` as one datagram; throws when the socket refused it. Reopens the socket first if an earlier
    /// error closed it.
    func send(_ text: String) async throws {
        if channel.withLockedValue({ $0?.isActive }) != true { try await open() }
        guard let current = channel.withLockedValue({ $0 }) else { throw ChannelError.ioOnClosedChannel }
        try await current.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(string: text)))
    }

    /// Closes the socket.
    func close() {
        channel.withLockedValue { $0 }?.close(promise: nil)
    }
}

/// Counts and swallows the errors a datagram socket reads (ICMP port unreachable comes back as a read error).
private final class UDPSendErrorCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let metrics: ServerMetrics
    init(metrics: ServerMetrics) { self.metrics = metrics }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.eventDropped(channel: .udp)
    }
}
