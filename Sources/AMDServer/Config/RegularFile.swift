import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files the daemon is told to load at start (the config file, a model), refusing what is not an ordinary
/// file of sensible size.
///
/// A device, a FIFO or a directory given by mistake (`--config /dev/stdin`, `--model /dev/zero`) would otherwise
/// block the start or read until memory runs out; a refusal names the reason instead.
enum RegularFile {
    /// Why a file was not read.
    enum ReadError: Error, CustomStringConvertible {
        /// `stat` or the read failed; the system's reason in words (`No such file or directory`).
        case unreadable(String)
        /// A directory, device, FIFO or socket.
        case notRegularFile
        /// Larger than the caller's limit, in bytes.
        case tooLarge(bytes: Int, limit: Int)

        /// The reason in words, to follow the file's name in a message.
        var description: String {
            switch self {
            case .unreadable(let reason): reason
            case .notRegularFile: "not a regular file"
            case .tooLarge(let bytes, let limit): "\(bytes) bytes, over the \(limit)-byte limit"
            }
        }
    }

    /// The largest config file read, in bytes: a config of every option with long lists is a few kilobytes.
    static let maxConfigBytes = 1 << 20
    /// The largest model file read, in bytes: the shipped model is under 1 MB.
    static let maxModelBytes = 64 << 20

    /// The whole of the regular file at `path`, if it has at most `maxBytes` bytes.
    static func read(_ path: String, maxBytes: Int) throws(ReadError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile }
        guard Int(info.st_size) <= maxBytes else { throw .tooLarge(bytes: Int(info.st_size), limit: maxBytes) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(error.fileReadReason)
        }
    }
}
