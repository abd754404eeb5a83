/// Builds one line of JSON with its keys in a fixed order, for outputs other tools parse line by line.
///
/// Foundation's encoder does not keep key order; the `detect` output promises it, so it is written by hand.
public struct JSONLine: Sendable {
    private var text = "{"

    /// Starts an empty object.
    public init() {}

    /// Appends a string field, escaped per RFC 8259.
    public mutating func add(_ key: String, _ value: String) {
        separate(key)
        text += Self.quoted(value)
    }

    /// Appends an integer field.
    public mutating func add(_ key: String, _ value: Int64) {
        separate(key)
        text += String(value)
    }

    /// Appends a number field, with at most `decimals` digits after the point (NaN and infinities become null).
    public mutating func add(_ key: String, _ value: Double, decimals: Int = 3) {
        separate(key)
        text += Self.number(value, decimals: decimals)
    }

    /// Appends a field whose value is already JSON.
    public mutating func addRaw(_ key: String, _ json: String) {
        separate(key)
        text += json
    }

    /// The finished line, without a newline.
    public var line: String { text + "}" }

    private mutating func separate(_ key: String) {
        if text.count > 1 { text += "," }
        text += Self.quoted(key) + ":"
    }

    /// A number with at most `decimals` fractional digits, trailing zeros dropped (`1004.5`, `0.97`, `12`).
    public static func number(_ value: Double, decimals: Int = 3) -> String {
        guard value.isFinite else { return "null" }
        // Beyond 1e15 a Double has no fractional digits to round, and scaling up would lose exactness
        // (1e20 × 1000 / 1000 is 9.999999999999998e19).
        guard abs(value) < 1e15 else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var digits = String(rounded)
        if digits.contains("e") { return digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits
    }

    /// A JSON string literal.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
