/// Energy-based voice (and tone) activity detector with an adaptive noise floor, in integer arithmetic.
///
/// Each frame's energy (``energyDbfsQ8(of:)``: Int64 sum of squares, integer log2, dBFS in Q8) is compared with a
/// noise floor that falls fast (halfway to a quieter frame's energy each frame) and rises slowly
/// (``Configuration/floorRiseDbPerSecond``, faster during a short warm-up). A frame is voiced when its energy
/// exceeds the floor by ``Configuration/marginDb`` and is above ``Configuration/minEnergyDbfs``. Unlike spectral
/// speech detectors (WebRTC's aggressive modes reject them), pure tones count as activity: a beep is what we look for.
///
/// Frame decisions go through a ``DecisionRing`` of ``Configuration/ringFrames`` frames: a segment starts when the
/// voiced share reaches ``Configuration/triggerRatio`` (its start padded back to the oldest frame in the ring) and
/// ends when the unvoiced share reaches ``Configuration/releaseRatio``.
///
/// The floor never goes below ``Configuration/minEnergyDbfs`` − margin: lower would change no decision, and it
/// keeps a run of digital silence (lost packets) from leaving the floor far below the line's real noise.
public struct VoiceActivityDetector: Sendable {
    /// The configuration this detector was created with.
    public let configuration: Configuration

    private let marginQ8: Int32
    private let minEnergyQ8: Int32
    private let floorMinimumQ8: Int32
    private let riseQ8PerFrame: Int32
    private let warmUpRiseQ8PerFrame: Int32
    private let warmUpFrames: Int
    private let triggerFrames: Int
    private let releaseFrames: Int
    /// ``Configuration/frameSamples``, the length of every frame in a stream, and its `log2Q16`.
    private let frameLength: Int
    private let frameLengthLog2Q16: Int64

    private var ring: DecisionRing
    private var noiseFloorQ8: Int32
    private var framesSeen = 0
    /// Stream samples consumed so far, at ``Configuration/sampleRate``.
    public private(set) var streamSamples: Int64 = 0
    /// Whether a segment is open.
    public private(set) var isInSegment = false

    /// Creates a detector.
    /// - Throws: ``VoiceActivityDetectorError`` when a configuration field is out of range.
    public init(configuration: Configuration = Configuration()) throws(VoiceActivityDetectorError) {
        try configuration.validate()
        self.configuration = configuration
        let framesPerSecond = 1000 / Double(configuration.frameMs)
        marginQ8 = Int32((configuration.marginDb * 256).rounded())
        minEnergyQ8 = Int32((configuration.minEnergyDbfs * 256).rounded())
        floorMinimumQ8 = minEnergyQ8 - marginQ8
        riseQ8PerFrame = Int32((configuration.floorRiseDbPerSecond * 256 / framesPerSecond).rounded())
        warmUpRiseQ8PerFrame = Int32((configuration.warmUpRiseDbPerSecond * 256 / framesPerSecond).rounded())
        warmUpFrames = configuration.warmUpMs / configuration.frameMs
        triggerFrames = Int((configuration.triggerRatio * Double(configuration.ringFrames)).rounded(.up))
        releaseFrames = Int((configuration.releaseRatio * Double(configuration.ringFrames)).rounded(.up))
        ring = DecisionRing(capacity: configuration.ringFrames)
        frameLength = configuration.frameSamples
        frameLengthLog2Q16 = Self.log2Q16(UInt64(frameLength))
        noiseFloorQ8 = floorMinimumQ8
    }

    /// The current noise floor, in dBFS Q8 (256 = 1 dB).
    public var noiseFloorDbfsQ8: Int32 { noiseFloorQ8 }

    /// Classifies the next frame of the stream and updates the floor and the segment state. Allocates nothing.
    /// - Parameter frame: the next ``Configuration/frameSamples`` samples at ``Configuration/sampleRate`` (another
    ///   length is measured all the same, and advances stream time by its own length).
    /// - Returns: the frame's decision, energy, the floor and any segment transition.
    public mutating func process(frame: UnsafeBufferPointer<Int16>) -> VADDecision {
        let energyQ8 =
            frame.count == frameLength
            ? Self.energyDbfsQ8(of: frame, log2CountQ16: frameLengthLog2Q16) : Self.energyDbfsQ8(of: frame)
        let isVoiced = energyQ8 > noiseFloorQ8 + marginQ8 && energyQ8 > minEnergyQ8
        updateFloor(energyQ8)
        framesSeen += 1
        streamSamples += Int64(frame.count)

        ring.push(isVoiced)
        var transition: VADDecision.Transition?
        if !isInSegment && ring.voicedCount >= triggerFrames {
            let padding = Int64(ring.count) * Int64(configuration.frameSamples)
            transition = .started(atSample: max(0, streamSamples - padding))
            isInSegment = true
            ring.removeAll()
        } else if isInSegment && ring.unvoicedCount >= releaseFrames {
            transition = .ended(atSample: streamSamples)
            isInSegment = false
            ring.removeAll()
        }
        return VADDecision(
            isVoiced: isVoiced,
            energyDbfsQ8: energyQ8,
            noiseFloorDbfsQ8: noiseFloorQ8,
            isInSegment: isInSegment,
            transition: transition
        )
    }

    /// Forgets the stream: floor, ring, segment state and stream time.
    public mutating func reset() {
        ring.removeAll()
        noiseFloorQ8 = floorMinimumQ8
        framesSeen = 0
        streamSamples = 0
        isInSegment = false
    }

    /// Moves the floor towards the frame's energy: halfway down at once, up by at most the rise per frame.
    private mutating func updateFloor(_ energyQ8: Int32) {
        if energyQ8 < noiseFloorQ8 {
            noiseFloorQ8 -= (noiseFloorQ8 - energyQ8 + 1) / 2
        } else {
            let rise = framesSeen < warmUpFrames ? warmUpRiseQ8PerFrame : riseQ8PerFrame
            noiseFloorQ8 = min(energyQ8, noiseFloorQ8 + rise)
        }
        noiseFloorQ8 = max(noiseFloorQ8, floorMinimumQ8)
    }
}
