package import Hummingbird
import Logging
import NIOHTTP1

/// Turns every error a route throws, and unknown routes, into `{"error": "…"}` with the matching status.
package struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    package init() {}

    /// Runs the rest of the chain and rewrites failures as JSON errors.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CallHubError {
            switch error {
            case .invalid: return JSONResponse.error(error.description, status: .badRequest)
            case .conflict: return JSONResponse.error(error.description, status: .conflict)
            case .notFound: return JSONResponse.error(error.description, status: .notFound)
            }
        } catch let error as HTTPError {
            let message = error.body ?? Self.defaultMessage(error.status, request: request)
            var response = JSONResponse.error(message, status: error.status)
            for field in error.headers where field.name != .contentType { response.headers.append(field) }
            return response
        } catch is HTTPParserError {
            // A malformed body (a chunk size such as `zzzz`) is the client's fault; NIO closes the connection.
            return JSONResponse.error("malformed request body framing", status: .badRequest)
        } catch let error as any HTTPResponseError {
            return JSONResponse.error(Self.defaultMessage(error.status, request: request), status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error("internal error", status: .internalServerError)
        }
    }

    private static func defaultMessage(_ status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no route for \(request.method) \(request.uri.path)"
        case .contentTooLarge: "request body too large"
        default: status.reasonPhrase
        }
    }
}
