/// Why the hub refused a registration or a deletion; the HTTP layer maps each case to a status code.
package enum CallHubError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request was malformed (400): the message names the field and the fault.
    case invalid(String)
    /// The id or the match is already taken (409): the message names which.
    case conflict(String)
    /// No call or registration has this id (404).
    case notFound(id: String)

    /// A message for the API's `{"error": …}` body.
    package var description: String {
        switch self {
        case .invalid(let message): message
        case .conflict(let message): message
        case .notFound(let id): "no call or registration with id \(id)"
        }
    }
}
