extension StringProtocol {
    /// The text without the whitespace and line breaks at either end.
    ///
    /// FoundationEssentials, which the daemon links instead of Foundation, has no `trimmingCharacters(in:)`.
    package func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
