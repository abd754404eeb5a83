public import AMDCore

extension AudioClip {
    /// Reads a RIFF/WAVE file: 16-bit PCM (format tag 1, or extensible with a PCM subformat), µ-law (7) or
    /// A-law (6), 8–48 kHz, 1–8 channels. Only the first channel is kept: a call recording's far end.
    /// - Throws: an ``AudioFileError`` naming what is wrong; nothing in the bytes can make it trap.
    public init(wav bytes: [UInt8]) throws(AudioFileError) {
        guard bytes.count >= 12, bytes.fourCC(at: 0) == "RIFF", bytes.fourCC(at: 8) == "WAVE" else {
            throw .notWAV
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = bytes.fourCC(at: offset)
            let size = Int(bytes.uint32LE(at: offset + 4))
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw .truncated(atByte: bytes.count) }
                var tag = Int(bytes.uint16LE(at: body))
                let bits = Int(bytes.uint16LE(at: body + 14))
                if tag == 0xFFFE, size >= 40, body + 26 <= bytes.count {
                    tag = Int(bytes.uint16LE(at: body + 24))  // first two bytes of the subformat GUID
                }
                format = (
                    tag, Int(bytes.uint16LE(at: body + 2)), Int(bytes.uint32LE(at: body + 4)),
                    Int(bytes.uint16LE(at: body + 12)), bits
                )
            } else if id == "data" {
                guard let format else { throw .missingChunk("fmt ") }
                let encoding: AudioEncoding
                switch (format.tag, format.bits) {
                case (1, 16): encoding = .linear16
                case (7, 8): encoding = .muLaw
                case (6, 8): encoding = .aLaw
                default: throw .unsupportedEncoding(formatTag: format.tag, bitsPerSample: format.bits)
                }
                guard AudioClip.supportedRates.contains(format.rate), (1...8).contains(format.channels),
                    format.blockAlign == format.channels * encoding.bytesPerSample
                else {
                    throw .unsupportedLayout(sampleRate: format.rate, channels: format.channels)
                }
                // A streamed WAV may carry a data size of 0 or 0xFFFFFFFF: take what is there.
                let declared = (size == 0 || size == 0xFFFF_FFFF) ? bytes.count - body : size
                guard body + declared <= bytes.count else { throw .truncated(atByte: bytes.count) }
                let frames = declared / format.blockAlign
                var data = [UInt8]()
                data.reserveCapacity(frames * encoding.bytesPerSample)
                if format.channels == 1 {
                    data.append(contentsOf: bytes[body..<(body + frames * format.blockAlign)])
                } else {
                    for frame in 0..<frames {
                        let start = body + frame * format.blockAlign
                        data.append(contentsOf: bytes[start..<(start + encoding.bytesPerSample)])
                    }
                }
                self.init(encoding: encoding, sampleRate: format.rate, data: data)
                return
            }
            offset = body + size + (size & 1)  // chunks are padded to an even size
        }
        throw format == nil ? .missingChunk("fmt ") : .missingChunk("data")
    }
}

extension [UInt8] {
    fileprivate func fourCC(at offset: Int) -> String {
        String(decoding: self[offset..<(offset + 4)], as: UTF8.self)
    }

    fileprivate func uint16LE(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    fileprivate func uint32LE(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}
