import AMDCore
import AMDServer
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Starts a real daemon on loopback (port 0), runs `body`, then shuts it down gracefully.
func withDaemon(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (DaemonControl, DaemonControl.Ports) async throws -> Void
) async throws {
    var configuration = ServerConfiguration()
    configuration.http = HostPort(host: "127.0.0.1", port: 0)
    configuration.shutdownTimeout = .seconds(2)
    configure(&configuration)
    var logger = Logger(label: "amd-edge-test")
    logger.logLevel = .warning
    let daemon = Daemon(configuration: configuration, logger: logger)
    let control = daemon.control
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await daemon.run() }
        do {
            let ports = try await control.listening(timeout: Duration.seconds(30).scaled)
            try await body(control, ports)
        } catch {
            await control.shutdown()
            throw error
        }
        await control.shutdown()
        try await group.waitForAll()
    }
}

/// A response read whole.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// Sends one request with AsyncHTTPClient and reads the whole response.
func request(
    _ method: HTTPMethod, port: Int, _ path: String, body: String? = nil, token: String? = nil,
    headers: [(String, String)] = [], timeout: Duration = .seconds(90)
) async throws -> TestResponse {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let seconds = timeout.scaled.components.seconds
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(seconds))
    let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
    return TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
}

/// Waits until `condition` holds, checking every 10 ms, for at most `timeout` (``Duration/scaled``); fails the test on
/// timeout.
func eventually(
    timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout.scaled
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestFailure("timed out waiting for \(what)")
}

/// A failure raised by the helpers.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A descriptor of an RTP stream, as the RTP ingress reports one.
func rtpDescriptor(source: String = "127.0.0.1:40000", ssrc: UInt32 = 0x1234) -> CallDescriptor {
    CallDescriptor(ingress: .rtp, source: source, ssrc: ssrc, codec: "PCMU")
}

/// A beep as the detector reports one.
let sampleBeep = BeepEvent(onsetMs: 1200, detectedMs: 1400, frequencyHz: 1004, confidence: 0.97)
