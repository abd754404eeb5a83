package import Hummingbird

/// Answers 405 with an `Allow` header when a request names a known route with a method it does not serve.
///
/// Hummingbird's router answers 404 for an unserved method (`TRACE /v1/calls`); the API's contract, and HTTP, say
/// 405. Routes are matched on the normalised path (``RequestPath``) against templates whose `{name}` (or `:name`)
/// segments match any one segment; the table is read from the routers once they are complete. A route served by GET
/// also serves HEAD (the router generates it), so HEAD is allowed wherever GET is.
package struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: [(segments: [String], methods: [HTTPRequest.Method])]

    /// Creates the middleware for `routes`: each path template (`/v1/calls/{id}`) with a method it serves.
    package init(routes: [(path: String, method: HTTPRequest.Method)]) {
        var table: [(segments: [String], methods: [HTTPRequest.Method])] = []
        for route in routes {
            let segments = RequestPath(route.path).segments
            let methods: [HTTPRequest.Method] = route.method == .get ? [.get, .head] : [route.method]
            if let index = table.firstIndex(where: { $0.segments == segments }) {
                for method in methods where !table[index].methods.contains(method) {
                    table[index].methods.append(method)
                }
            } else {
                table.append((segments, methods))
            }
        }
        self.routes = table
    }

    /// Passes requests for served methods and unknown paths on; answers 405 to the others.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let segments = RequestPath(request.uri.path).segments
        guard let route = routes.first(where: { Self.matches($0.segments, segments) }),
            !route.methods.contains(request.method)
        else { return try await next(request, context) }
        let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
        var response = JSONResponse.error(
            "\(request.method) is not served here; allowed: \(allowed)", status: .methodNotAllowed)
        response.headers[.allow] = allowed
        return response
    }

    private static func matches(_ template: [String], _ segments: [String]) -> Bool {
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { pattern, segment in
            pattern == segment || pattern.hasPrefix("{") && pattern.hasSuffix("}") || pattern.hasPrefix(":")
        }
    }
}
