extension VoiceActivityDetector {
    /// Frame length, thresholds and timing of a ``VoiceActivityDetector``.
    public struct Configuration: Sendable, Hashable {
        /// Frame length in ms: 10, 20 or 30.
        public var frameMs: Int
        /// Sample rate of the frames, in Hz (the detector runs at 16000).
        public var sampleRate: Int
        /// How far above the noise floor a frame must be to count as voiced, in dB.
        public var marginDb: Double
        /// The least energy a voiced frame may have, in dBFS (full-scale sine = 0 dBFS).
        public var minEnergyDbfs: Double
        /// Length of the decision ring (the padding), in frames.
        public var ringFrames: Int
        /// Voiced share of the ring (0…1] at which a segment starts.
        public var triggerRatio: Double
        /// Unvoiced share of the ring (0…1] at which a segment ends.
        public var releaseRatio: Double
        /// How fast the noise floor rises towards louder frames, in dB per second. Slow, so a tone or a vowel is
        /// not absorbed into the floor (a −30 dBFS tone over −60 dBFS noise stays voiced for about 7 s), yet a
        /// steady noise is within the margin after a few seconds.
        public var floorRiseDbPerSecond: Double
        /// How long the floor rises fast at the start of a stream, in ms, to learn the line's noise.
        public var warmUpMs: Int
        /// How fast the floor rises during the warm-up, in dB per second.
        public var warmUpRiseDbPerSecond: Double

        /// A configuration; the defaults suit 16 kHz telephone audio: 10 ms frames, 9 dB margin, −55 dBFS minimum,
        /// a 200 ms ring that starts a segment at 60 % voiced and ends it at 90 % unvoiced.
        public init(
            frameMs: Int = 10,
            sampleRate: Int = 16_000,
            marginDb: Double = 9,
            minEnergyDbfs: Double = -55,
            ringFrames: Int = 20,
            triggerRatio: Double = 0.6,
            releaseRatio: Double = 0.9,
            floorRiseDbPerSecond: Double = 3,
            warmUpMs: Int = 200,
            warmUpRiseDbPerSecond: Double = 50
        ) {
            self.frameMs = frameMs
            self.sampleRate = sampleRate
            self.marginDb = marginDb
            self.minEnergyDbfs = minEnergyDbfs
            self.ringFrames = ringFrames
            self.triggerRatio = triggerRatio
            self.releaseRatio = releaseRatio
            self.floorRiseDbPerSecond = floorRiseDbPerSecond
            self.warmUpMs = warmUpMs
            self.warmUpRiseDbPerSecond = warmUpRiseDbPerSecond
        }

        /// Samples in one frame.
        public var frameSamples: Int { sampleRate * frameMs / 1000 }

        /// Checks every field's range.
        /// - Throws: ``VoiceActivityDetectorError`` naming the first field out of range.
        public func validate() throws(VoiceActivityDetectorError) {
            guard [10, 20, 30].contains(frameMs) else { throw .unsupportedFrameLength(frameMs: frameMs) }
            guard (8000...48_000).contains(sampleRate), sampleRate * frameMs % 1000 == 0 else {
                throw .unsupportedSampleRate(sampleRate)
            }
            guard (1...1000).contains(ringFrames) else { throw .invalidRingLength(frames: ringFrames) }
            for (name, value) in [("triggerRatio", triggerRatio), ("releaseRatio", releaseRatio)]
            where !(value > 0 && value <= 1) {
                throw .invalidRatio(name: name, value: value)
            }
            let levels: [(String, Double, ClosedRange<Double>)] = [
                ("marginDb", marginDb, 0...60),
                ("minEnergyDbfs", minEnergyDbfs, -110...0),
                ("floorRiseDbPerSecond", floorRiseDbPerSecond, 0...1000),
                ("warmUpMs", Double(warmUpMs), 0...60_000),
                ("warmUpRiseDbPerSecond", warmUpRiseDbPerSecond, 0...10_000),
            ]
            for (name, value, range) in levels where !range.contains(value) {
                throw .invalidLevel(name: name, value: value, range: range)
            }
        }
    }
}
