/// A JSON value of unknown shape, as read from a config file or a Vonage websocket header.
///
/// FoundationEssentials has no `JSONSerialization`; decoding into this enum keeps what the callers need (scalars
/// as text, arrays of scalars) without a schema.
package enum JSONValue: Decodable, Sendable, Hashable {
    /// A string.
    case string(String)
    /// A number; JSON does not tell integers apart.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An array, with its elements.
    case array([JSONValue])
    /// An object, without its members.
    case object
    /// `null`.
    case null

    /// Decodes whichever JSON value comes next; an object becomes ``object`` (its contents are not kept).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object
        }
    }

    /// The text of a string value; `nil` for any other kind.
    package var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value as text (numbers without a fraction as integers, booleans as `true`/`false`); `nil` for
    /// arrays, objects and null.
    package var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }
}
