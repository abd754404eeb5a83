package import Hummingbird

/// Requires `Authorization: Bearer <token>` on every `/v1/*` request (401 otherwise).
///
/// The path is normalised first (``RequestPath``): the router matches `//v1/calls` and `/./v1/calls` too, so
/// the check covers every spelling the router could match, not only the canonical one. The comparison takes the same time whatever prefix of the token matches, so timing does not reveal it.
package struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: [UInt8]

    /// Creates the middleware for `token`.
    package init(token: String) {
        self.token = Array(token.utf8)
    }

    /// Passes authorised requests and paths outside `/v1/` on; answers 401 to the others.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !isAuthorized(path: request.uri.path, authorization: request.headers[.authorization]) else {
            return try await next(request, context)
        }
        var response = JSONResponse.error("missing or wrong bearer token", status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    /// Whether a request for `path` with this `Authorization` header may go on: paths outside `/v1` always may.
    package func isAuthorized(path: String, authorization: String?) -> Bool {
        guard RequestPath(path).isUnderV1 else { return true }
        let header = authorization ?? ""
        let prefix = "Bearer "
        let presented = header.hasPrefix(prefix) ? Array(header.utf8.dropFirst(prefix.utf8.count)) : []
        return Self.constantTimeEqual(presented, token)
    }

    /// Compares two byte strings in time that depends only on their lengths.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        let count = max(a.count, b.count)
        for i in 0..<count {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0 && !b.isEmpty
    }
}
