#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Double {
    /// Longest text ``fixed(_:)`` writes, in bytes, terminating NUL included; longer results are cut.
    private static let fixedTextCapacity = 64

    /// The value in fixed-point notation with `decimals` digits after the point, rounded as printf's `%.Nf` rounds.
    ///
    /// FoundationEssentials, which the binary links instead of Foundation, has no `String(format:)`.
    package func fixed(_ decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Self.fixedTextCapacity) { buffer in
            let written = withVaList([self]) { vsnprintf(buffer.baseAddress, buffer.count, "%.\(decimals)f", $0) }
            guard written >= 0 else { return "\(self)" }
            let length = min(Int(written), buffer.count - 1)
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length), as: UTF8.self)
        }
    }
}
