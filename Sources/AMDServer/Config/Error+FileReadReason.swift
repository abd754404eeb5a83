import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Error {
    /// Why reading a file failed, in words (`"No such file or directory"`), for an error `Data(contentsOf:)` threw;
    /// other errors give their description.
    ///
    /// FoundationEssentials, which the daemon links instead of Foundation, has no `localizedDescription`.
    package var fileReadReason: String {
        let posix = (self as? CocoaError)?.underlying as? POSIXError ?? self as? POSIXError
        guard let posix else { return "\(self)" }
        return String(cString: strerror(posix.code.rawValue))
    }
}
