#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard error, where the commands write their messages for people.
///
/// FoundationEssentials, which the binary links instead of Foundation, has no `FileHandle`.
enum StandardError {
    /// Writes `text` as it is (the caller adds the line break); a short write is continued, and a failed one is
    /// dropped, since there is nowhere left to report it.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let written = Glibc.write(STDERR_FILENO, base + offset, bytes.count - offset)
                #else
                let written = Darwin.write(STDERR_FILENO, base + offset, bytes.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
