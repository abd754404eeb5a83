import AMDServer
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOEmbedded
import Testing

struct WebSocketReferenceSlotTests {
    /// Does for a context of a fresh channel what a websocket route does for an upgrade, releases the reference when
    /// asked, and says whether the channel outlives everything that still refers to it.
    private func channelOutlivesUpgrade(releasing: Bool) async throws -> Bool {
        weak var weakChannel: EmbeddedChannel?
        weak var weakSlot: WebSocketReferenceSlot?
        do {
            let channel = EmbeddedChannel()
            weakChannel = channel
            let context = APIRequestContext(source: .init(channel: channel, logger: Logger(label: "test")))
            weakSlot = context.webSocketSlot
            let upgrade = WebSocketUpgradeMiddleware<APIRequestContext> { _, _, _ in }
            let request = Request(
                head: .init(method: .get, scheme: "http", authority: "x", path: "/ws"),
                body: .init(buffer: ByteBuffer()))
            let response = try await upgrade.handle(request, context: context) { _, _ in Response(status: .notFound) }
            #expect(response.status == .ok)
            if releasing { context.releaseWebSocketReference() }
            _ = try? channel.finish()
        }
        let outlives = weakChannel != nil
        // Break a cycle the check found, so that it frees everything: nothing is left for LeakSanitizer to report
        // in a sanitized run (`swift test --sanitize=address`).
        weakSlot?.release()
        #expect(weakChannel == nil)
        return outlives
    }

    @Test func anUpgradedContextIsFreedOnceItsHandlerReleasesTheReference() async throws {
        // Without the release the upgrade's reference cycle keeps the channel: the check below can fail.
        #expect(try await channelOutlivesUpgrade(releasing: false))
        #expect(try await !channelOutlivesUpgrade(releasing: true))
    }
}
