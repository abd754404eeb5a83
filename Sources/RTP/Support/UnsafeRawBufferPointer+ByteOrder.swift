// Fixed-width integer loads from byte buffers. Callers check bounds before loading: these helpers do not.

extension UnsafeRawBufferPointer {
    /// The big-endian (network order) `UInt16` at `offset` bytes; `offset + 2 <= count` must hold.
    @inline(__always)
    func loadUInt16BE(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// The big-endian (network order) `UInt32` at `offset` bytes; `offset + 4 <= count` must hold.
    @inline(__always)
    func loadUInt32BE(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }

    /// The little-endian `UInt16` at `offset` bytes; `offset + 2 <= count` must hold.
    @inline(__always)
    func loadUInt16LE(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    /// The little-endian `UInt32` at `offset` bytes; `offset + 4 <= count` must hold.
    @inline(__always)
    func loadUInt32LE(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }

    /// The `UInt16` at `offset` bytes in the given byte order; `offset + 2 <= count` must hold.
    @inline(__always)
    func loadUInt16(at offset: Int, bigEndian: Bool) -> UInt16 {
        bigEndian ? loadUInt16BE(at: offset) : loadUInt16LE(at: offset)
    }

    /// The `UInt32` at `offset` bytes in the given byte order; `offset + 4 <= count` must hold.
    @inline(__always)
    func loadUInt32(at offset: Int, bigEndian: Bool) -> UInt32 {
        bigEndian ? loadUInt32BE(at: offset) : loadUInt32LE(at: offset)
    }

    /// The bytes `offset ..< offset + count` as a buffer whose indices start at 0; the range must be in bounds.
    @inline(__always)
    func slice(offset: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[offset..<(offset + count)])
    }

    /// The bytes `offset ..< offset + count` as a buffer whose indices start at 0, or an empty buffer when the
    /// range is not within this one (for ranges that come from elsewhere, such as a parsed header).
    func checkedSlice(offset: Int, count: Int) -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= self.count - count else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return slice(offset: offset, count: count)
    }
}
