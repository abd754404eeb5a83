import AMDServer
import Testing

struct HTTPHeadValidatorTests {
    /// Feeds `text` one byte at a time, as a slow client would; returns the first action that is not `needMore`.
    func feedBytewise(_ text: String, limits: HTTPHeadValidator.Limits = .init()) -> HTTPHeadValidator.Action {
        var validator = HTTPHeadValidator(limits: limits)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            bytes.append(byte)
            let action = validator.inspect(bytes)
            if action != .needMore { return action }
        }
        return .needMore
    }

    @Test func aValidHeadIsForwardedWithWhatMattersFromIt() {
        var validator = HTTPHeadValidator()
        let head = "GET /v1/events/ws?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\nAuthorization: Bearer t\r\n\r\n"
        #expect(validator.inspect(Array(head.utf8)) == .forward)
        #expect(validator.head.path == "/v1/events/ws")
        #expect(validator.head.isWebSocketUpgrade)
        #expect(validator.head.authorization == "Bearer t")
        #expect(feedBytewise(head) == .forward)
        #expect(feedBytewise("POST /v1/calls HTTP/1.0\r\nContent-Length: 12\r\n\r\n") == .forward)
        #expect(feedBytewise("POST /v1/calls HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n") == .forward)
    }

    @Test func faultsAreRefusedAsSoonAsTheyShow() {
        // The garbage request line is refused at its first byte, not when a blank line finally comes.
        #expect(feedBytewise("\u{1}") == .reject(.badRequestLine))
        #expect(feedBytewise("GET / HTTP/2.0\r\n") == .reject(.unsupportedVersion))
        #expect(feedBytewise("GET / HTTX/1.1\r\n") == .reject(.badRequestLine))
        #expect(feedBytewise("GET / HTTP/1.1\r\nBad Name: x\r\n") == .reject(.badHeaderLine))
        #expect(feedBytewise("GET / HTTP/1.1\r\nX: \u{7F}\r\n") == .reject(.badHeaderLine))
        #expect(feedBytewise("POST / HTTP/1.1\r\nContent-Length: 1e3\r\n") == .reject(.badContentLength))
        #expect(feedBytewise("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n") == .forward)
        #expect(
            feedBytewise("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n")
                == .reject(.contentLengthWithTransferEncoding))
        #expect(
            feedBytewise("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")
                == .reject(.unsupportedTransferEncoding))
    }

    @Test func limitsGive414And431() {
        let limits = HTTPHeadValidator.Limits(maxRequestLineBytes: 64, maxHeadBytes: 256, maxHeaderFields: 4)
        let longURL = "GET /" + String(repeating: "a", count: 100)
        #expect(feedBytewise(longURL, limits: limits) == .reject(.uriTooLong(limit: 64)))
        let tooMany = "GET / HTTP/1.1\r\n" + String(repeating: "X: 1\r\n", count: 5)
        #expect(feedBytewise(tooMany, limits: limits) == .reject(.headTooLarge(bytes: 256, fields: 4)))
        let tooLong = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 300)
        #expect(feedBytewise(tooLong, limits: limits) == .reject(.headTooLarge(bytes: 256, fields: 4)))
    }
}
