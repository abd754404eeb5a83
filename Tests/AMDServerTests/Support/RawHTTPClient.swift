import NIOCore
import NIOPosix

/// A TCP client that sends bytes exactly as given (no path normalisation, no framing) and reads the answer until
/// the server closes: for requests AsyncHTTPClient would refuse or rewrite.
struct RawHTTPClient {
    /// What came back.
    struct Answer {
        /// Everything the server sent, as text.
        var text: String
        /// Whether the server closed the connection (rather than the wait running out).
        var closed: Bool

        /// The status code of the first response line, or 0 when there is none.
        var status: Int {
            guard text.hasPrefix("HTTP/1.1 ") else { return 0 }
            return Int(text.dropFirst(9).prefix(3)) ?? 0
        }
    }

    /// Connects to 127.0.0.1:`port`, sends each of `pieces` in turn (stopping quietly if the server stops
    /// reading), then reads until the server closes or `timeout` (``Duration/scaled``) runs out.
    static func exchange(
        port: Int, _ pieces: [[UInt8]], timeout: Duration = .seconds(20)
    ) async throws -> Answer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            for piece in pieces {
                do { try await outbound.write(ByteBuffer(bytes: piece)) } catch { break }
            }
            return try await withThrowingTaskGroup(of: Answer?.self) { group in
                group.addTask {
                    var text = ""
                    do {
                        for try await chunk in inbound { text += String(buffer: chunk) }
                    } catch {
                        // A reset after the answer still counts as the server closing.
                    }
                    return Answer(text: text, closed: true)
                }
                group.addTask {
                    try await Task.sleep(for: timeout.scaled)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? Answer(text: "", closed: false)
            }
        }
    }

    /// Sends one request text and reads the answer.
    static func exchange(port: Int, _ request: String, timeout: Duration = .seconds(20)) async throws -> Answer {
        try await exchange(port: port, [Array(request.utf8)], timeout: timeout)
    }
}
