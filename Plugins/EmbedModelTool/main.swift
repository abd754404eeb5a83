// Writes the Swift source that embeds a model JSON in AMDCore, so the binary needs no file next to it and the JSON
// stays the only copy in git. Run by the EmbedModel build-tool plugin at every build where the JSON changed, and by
// Fuzz/run.sh, which builds with plain swiftc.
//
// Usage: EmbedModelTool <model.json> <output.swift>
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the generator refuses, with the exit status 1 message.
enum EmbedModelError: Error, CustomStringConvertible {
    /// Not two arguments.
    case usage
    /// The model file is not UTF-8 text.
    case notText(String)

    var description: String {
        switch self {
        case .usage: "usage: EmbedModelTool <model.json> <output.swift>"
        case .notText(let path): "\(path) is not UTF-8 text"
        }
    }
}

/// The generated file: the JSON, trimmed, as a multi-line raw string literal indented by `indent`.
func embedding(_ json: String, source: String) -> String {
    let indent = "        "
    // A raw string delimiter no line of the JSON can close or interpolate into.
    var hashes = "#"
    while json.contains("\"\"\"" + hashes) || json.contains("\\" + hashes) { hashes += "#" }
    var text = Substring(json)
    while text.first?.isWhitespace == true { text.removeFirst() }
    while text.last?.isWhitespace == true { text.removeLast() }
    let body = text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { indent + String($0) }
        .joined(separator: "\n")
    return """
        // Generated at build time from \(source) (Plugins/EmbedModelTool): do not edit.

        extension BeepModel {
            /// The shipped model's JSON, as `amd-edge train` wrote it (\(source)).
            static let defaultJSON = \(hashes)\"\"\"
        \(body)
        \(indent)\"\"\"\(hashes)
        }

        """
}

func main() throws {
    let arguments = CommandLine.arguments
    guard arguments.count == 3 else { throw EmbedModelError.usage }
    let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
    guard let json = String(data: data, encoding: .utf8) else { throw EmbedModelError.notText(arguments[1]) }
    let source = "Models/" + (arguments[1].split(separator: "/").last.map(String.init) ?? arguments[1])
    try Data(embedding(json, source: source).utf8).write(to: URL(fileURLWithPath: arguments[2]))
}

do {
    try main()
} catch {
    let message = Array("EmbedModelTool: \(error)\n".utf8)
    _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(1)
}
