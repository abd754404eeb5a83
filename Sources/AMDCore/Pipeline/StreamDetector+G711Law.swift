extension StreamDetector {
    /// Input samples decoded at a time when the law differs from the detector's encoding: the same piece size
    /// ``process(samples:onOutput:)`` cuts its input into, so the detector sees the same pieces either way.
    private static let lawChunkSamples = 1024

    /// Feeds G.711 bytes in `law`, which may differ from the detector's own ``encoding``: a stream that switches
    /// between µ-law and A-law mid-call (a re-INVITE that keeps the RTP SSRC) keeps one detector, so its state and
    /// stream time carry on. Decodes on the stack; nothing is allocated.
    ///
    /// - Parameters:
    ///   - bytes: G.711 bytes, one per sample at the detector's ``sampleRate``.
    ///   - law: ``AudioEncoding/muLaw`` or ``AudioEncoding/aLaw``; when it is the detector's encoding this is
    ///     ``process(_:onOutput:)``.
    ///   - onOutput: called with each output in stream order, before returning.
    public mutating func process(
        _ bytes: UnsafeRawBufferPointer, law: AudioEncoding, onOutput: (BeepDetector.Output) -> Void
    ) {
        guard law != encoding else {
            process(bytes, onOutput: onOutput)
            return
        }
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: Self.lawChunkSamples) { scratch in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + scratch.count * law.bytesPerSample)
                let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
                let count = G711.decode(piece, encoding: law, into: scratch)
                guard count > 0 else { return }
                process(samples: UnsafeBufferPointer(rebasing: scratch[0..<count]), onOutput: onOutput)
                offset = end
            }
        }
    }
}
