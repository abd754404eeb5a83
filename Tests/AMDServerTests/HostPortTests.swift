import AMDServer
import Testing

struct HostPortTests {
    @Test(arguments: [
        ("127.0.0.1:5004", "127.0.0.1", 5004), ("gateway-1.example:80", "gateway-1.example", 80),
        ("[::1]:5004", "::1", 5004), ("[fe80::1%eth0]:9", "fe80::1%eth0", 9),
        ("[::ffff:10.0.0.1]:1", "::ffff:10.0.0.1", 1),
    ])
    func wellFormedAddressesParse(text: String, host: String, port: Int) {
        #expect(HostPort(parsing: text) == HostPort(host: host, port: port))
    }

    @Test(arguments: [
        "[[Set]:0", "[[::]:5004", "[]:5004", "[host]:5004", "[::1%]:5004", "a b:5004", "::1:5004", "[::1]5004",
        "host/x:80", ":5004",
    ])
    func malformedHostsAreRefused(text: String) {
        #expect(HostPort(parsing: text) == nil)
        #expect(ListenRange(parsing: text) == nil)
    }

    @Test func aBracketedRangeParses() {
        #expect(ListenRange(parsing: "[::]:5004-5007") == ListenRange(host: "::", ports: 5004...5007))
        #expect(ListenRange(parsing: "[[Set]:0-1023") == nil)
    }
}
