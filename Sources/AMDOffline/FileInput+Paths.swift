extension FileInput {
    /// `name` inside `folder`: `folder/name`, or `name` alone when `folder` is empty.
    package static func path(_ name: String, inFolder folder: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The folder holding `path` (`a/b` for `a/b/c`, `/` for `/c`, empty for `c`); trailing slashes are ignored.
    package static func folder(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// `file` as named in the list or manifest at `listPath`: an absolute path as it is, a relative one from the
    /// list's folder.
    package static func path(_ file: String, listedIn listPath: String) -> String {
        file.hasPrefix("/") ? file : path(file, inFolder: folder(of: listPath))
    }
}
