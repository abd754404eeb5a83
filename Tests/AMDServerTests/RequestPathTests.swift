import AMDServer
import Testing

struct RequestPathTests {
    @Test(arguments: [
        "/v1/calls", "//v1/calls", "/./v1/calls", "/v1//calls/", "/%76%31/calls", "/x/../v1/calls", "/%2Fv1/calls",
        "/v1/./calls",
    ])
    func spellingsOfARouteNormaliseToItsSegments(path: String) {
        let normalised = RequestPath(path)
        #expect(normalised.segments == ["v1", "calls"])
        #expect(normalised.isUnderV1)
        #expect(normalised.normalized == "/v1/calls")
    }

    @Test func pathsOutsideV1AreNotUnderIt() {
        #expect(!RequestPath("/healthz").isUnderV1)
        #expect(!RequestPath("/v1x/calls").isUnderV1)
        #expect(!RequestPath("/v1/../healthz").isUnderV1)
        #expect(RequestPath("/").segments.isEmpty)
        // A malformed escape stays as it is rather than vanishing.
        #expect(RequestPath("/%zz/%4").segments == ["%zz", "%4"])
    }
}
