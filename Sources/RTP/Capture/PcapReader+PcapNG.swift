// PcapReader's pcapng blocks (draft-ietf-opsawg-pcapng): section header, interface description, enhanced and
// simple packet blocks; any other block is skipped by its length.

/// pcapng block type codes.
enum PcapNGBlock {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let simplePacket: UInt32 = 3
    static let enhancedPacket: UInt32 = 6
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
}

extension PcapReader {
    /// Reads the block at `offset`; returns the datagram of a packet block, nil for any other block.
    mutating func nextBlock(_ file: UnsafeRawBufferPointer) throws(PcapError) -> UDPDatagram? {
        let blockOffset = offset
        let available = file.count - blockOffset
        guard available >= 12 else { throw .truncatedRecord(offset: blockOffset, needed: 12, available: available) }
        let type = file.loadUInt32(at: blockOffset, bigEndian: bigEndian)
        if type == PcapNGBlock.sectionHeader {
            try readSectionHeader(file, at: blockOffset)
            return nil
        }
        let length = Int(file.loadUInt32(at: blockOffset + 4, bigEndian: bigEndian))
        guard length >= 12, length % 4 == 0 else { throw .absurdLength(offset: blockOffset, length: length) }
        guard length <= available else {
            throw .truncatedRecord(offset: blockOffset, needed: length, available: available)
        }
        offset = blockOffset + length
        let body = blockOffset + 8
        let bodyLength = length - 12
        switch type {
        case PcapNGBlock.interfaceDescription:
            guard bodyLength >= 8 else { throw .absurdLength(offset: blockOffset, length: length) }
            var interface = Interface(
                linkType: UInt32(file.loadUInt16(at: body, bigEndian: bigEndian)),
                snapLength: Int(file.loadUInt32(at: body + 4, bigEndian: bigEndian)))
            if let resolution = option(9, file, from: body + 8, to: body + bodyLength), resolution.count >= 1 {
                interface.unitsPerSecond = Self.unitsPerSecond(resolution: file[resolution.lowerBound])
            }
            interfaces.append(interface)
            return nil
        case PcapNGBlock.enhancedPacket:
            guard bodyLength >= 20 else { throw .absurdLength(offset: blockOffset, length: length) }
            let interfaceID = Int(file.loadUInt32(at: body, bigEndian: bigEndian))
            let high = UInt64(file.loadUInt32(at: body + 4, bigEndian: bigEndian))
            let low = UInt64(file.loadUInt32(at: body + 8, bigEndian: bigEndian))
            let capturedLength = Int(file.loadUInt32(at: body + 12, bigEndian: bigEndian))
            guard capturedLength <= bodyLength - 20 else {
                throw .absurdLength(offset: blockOffset, length: capturedLength)
            }
            guard interfaceID < interfaces.count else {
                statistics.records += 1
                statistics.unknownInterface += 1
                return nil
            }
            let interface = interfaces[interfaceID]
            return frame(
                file, at: body + 20, count: capturedLength, linkType: interface.linkType,
                timestampNs: Self.nanoseconds(high << 32 | low, unitsPerSecond: interface.unitsPerSecond))
        case PcapNGBlock.simplePacket:
            guard bodyLength >= 4 else { throw .absurdLength(offset: blockOffset, length: length) }
            guard let interface = interfaces.first else {
                statistics.records += 1
                statistics.unknownInterface += 1
                return nil
            }
            let originalLength = Int(file.loadUInt32(at: body, bigEndian: bigEndian))
            var capturedLength = min(originalLength, bodyLength - 4)
            if interface.snapLength > 0 { capturedLength = min(capturedLength, interface.snapLength) }
            return frame(file, at: body + 4, count: capturedLength, linkType: interface.linkType, timestampNs: 0)
        default:
            statistics.skippedBlocks += 1
            return nil
        }
    }

    /// Reads a section header block at `blockOffset`: its byte order governs the section; interfaces start over.
    mutating func readSectionHeader(_ file: UnsafeRawBufferPointer, at blockOffset: Int) throws(PcapError) {
        let available = file.count - blockOffset
        guard available >= 28 else { throw .truncatedRecord(offset: blockOffset, needed: 28, available: available) }
        switch file.loadUInt32BE(at: blockOffset + 8) {
        case PcapNGBlock.byteOrderMagic: bigEndian = true
        case PcapNGBlock.byteOrderMagic.byteSwapped: bigEndian = false
        default: throw .badByteOrderMagic(offset: blockOffset)
        }
        let length = Int(file.loadUInt32(at: blockOffset + 4, bigEndian: bigEndian))
        guard length >= 28, length % 4 == 0 else { throw .absurdLength(offset: blockOffset, length: length) }
        guard length <= available else {
            throw .truncatedRecord(offset: blockOffset, needed: length, available: available)
        }
        let major = file.loadUInt16(at: blockOffset + 12, bigEndian: bigEndian)
        guard major == 1 else {
            throw .unsupportedVersion(major: major, minor: file.loadUInt16(at: blockOffset + 14, bigEndian: bigEndian))
        }
        interfaces.removeAll(keepingCapacity: true)
        offset = blockOffset + length
    }

    /// The value bytes of option `code` among the options from `start` to `end`, or nil when absent or malformed.
    private func option(_ code: UInt16, _ file: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Range<Int>? {
        var position = start
        while position + 4 <= end {
            let optionCode = file.loadUInt16(at: position, bigEndian: bigEndian)
            let length = Int(file.loadUInt16(at: position + 2, bigEndian: bigEndian))
            let value = position + 4
            guard optionCode != 0, value + length <= end else { return nil }
            if optionCode == code { return value..<(value + length) }
            position = value + (length + 3) / 4 * 4
        }
        return nil
    }

    /// Timestamp units per second of an `if_tsresol` value: 10^v, or 2^v when the top bit is set; absurd
    /// resolutions (beyond 10^18 or 2^62) fall back to the default, microseconds.
    static func unitsPerSecond(resolution: UInt8) -> UInt64 {
        let exponent = Int(resolution & 0x7F)
        if resolution & 0x80 != 0 {
            return exponent <= 62 ? 1 << UInt64(exponent) : 1_000_000
        }
        guard exponent <= 18 else { return 1_000_000 }
        var units: UInt64 = 1
        for _ in 0..<exponent { units *= 10 }
        return units
    }

    /// `timestamp` units at `unitsPerSecond` as nanoseconds, saturating at `Int64.max`.
    static func nanoseconds(_ timestamp: UInt64, unitsPerSecond: UInt64) -> Int64 {
        let seconds = timestamp / unitsPerSecond
        let remainder = timestamp % unitsPerSecond
        let product = remainder.multipliedFullWidth(by: 1_000_000_000)
        let fraction = unitsPerSecond.dividingFullWidth(product).quotient  // < 10^9 as remainder < unitsPerSecond
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = whole.addingReportingOverflow(fraction)
        guard !overflow, !overflow2, total <= UInt64(Int64.max) else { return Int64.max }
        return Int64(total)
    }
}
