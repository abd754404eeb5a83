/// Finds syllable nuclei in the band levels of consecutive frames: a speech frame louder than the frames just before
/// it, no quieter than those just after, and well above the dip before it. How many a stretch of speech holds per
/// second tells a greeting read on without a stop from a person who says a sentence and waits.
///
/// It keeps the last few frames in fixed buffers sized at creation: each frame costs a few comparisons and allocates
/// nothing. A peak is known only once the frames after it are in, so each one is reported ``delayFrames`` late.
struct SyllableCounter: Sendable {
    /// How far either side of a peak no frame may be louder, in ms: syllables come at most about ten a second.
    static let peakHalfWidthMs = 50
    /// How far back the dip a peak must rise from is sought, in ms: about one syllable.
    static let riseWindowMs = 150

    /// How many frames after a peak it is reported.
    let delayFrames: Int
    private let riseFrames: Int
    private let riseDb: Double
    private var levels: [Double]
    private var speech: [Bool]
    /// Where the next frame goes in the ring buffers; the oldest frame is there once they are full.
    private var next = 0
    private var filled = 0

    /// Creates a counter for frames `frameMs` apart, for peaks rising `riseDb` dB over the dip before them.
    init(frameMs: Int, riseDb: Double) {
        delayFrames = max(1, Self.peakHalfWidthMs / frameMs)
        riseFrames = max(1, Self.riseWindowMs / frameMs)
        self.riseDb = riseDb
        let capacity = riseFrames + delayFrames + 1
        levels = Array(repeating: 0, count: capacity)
        speech = Array(repeating: false, count: capacity)
    }

    /// Takes in a frame's band level (dB) and whether it was speech; returns whether the frame ``delayFrames``
    /// before it was a syllable's peak.
    mutating func observe(levelDb: Double, speech isSpeech: Bool) -> Bool {
        let capacity = levels.count
        levels[next] = levelDb
        speech[next] = isSpeech
        next = (next + 1) % capacity
        filled = min(filled + 1, capacity)
        guard filled == capacity else { return false }
        // Logical index 0 is the oldest frame; the candidate peak has `riseFrames` frames before it.
        let peak = riseFrames
        guard speech[(next + peak) % capacity] else { return false }
        let level = levels[(next + peak) % capacity]
        var dip = level
        for back in 0..<peak {
            let other = levels[(next + back) % capacity]
            if back >= peak - delayFrames && other >= level { return false }
            dip = min(dip, other)
        }
        for ahead in (peak + 1)..<capacity where levels[(next + ahead) % capacity] > level {
            return false
        }
        return level - dip >= riseDb
    }
}
