package import FoundationEssentials

extension DecodingError {
    /// A one-line message naming the field (`match.ssrc`) and what was wrong with it.
    package var fieldMessage: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "body" : names.joined(separator: ".").replacing(".[", with: "[")
        }
        switch self {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return parent == "body" ? "missing field \(key.stringValue)" : "missing field \(parent).\(key.stringValue)"
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)): expected \(Self.describe(type))"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)): expected \(Self.describe(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "body is not valid JSON: \(context.debugDescription)" }
            return "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "malformed JSON"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is UInt32.Type: "an integer from 0 to 4294967295"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
