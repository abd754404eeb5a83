#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of tonal frames at one (slowly moving) frequency: the unit the detector judges.
///
/// Accumulates running sums only, so its size is fixed and each frame costs a few additions: the least-squares line
/// through the frequencies (a sweep is fine, wandering is not), the frame-to-frame level changes (two close tones
/// beat), and how often a second simultaneous tone was seen.
struct ToneTrack: Sendable {
    /// Frame index of the first tonal frame.
    var firstFrame: Int64 = 0
    /// Frame index of the latest tonal frame.
    var lastFrame: Int64 = 0
    /// Tonal frames counted so far (gaps not included).
    var tonalFrames = 0
    /// Frequency of the latest tonal frame, in Hz.
    var lastFrequencyHz = 0.0
    /// What has been decided about the track.
    var state = State.building
    /// Signalling-tone class of the track's frequency, set when it is judged.
    var signalling = SignallingTones.Match.none

    /// The least-squares line through the frequencies (frame offset from ``firstFrame``, Hz): all tonal frames but
    /// the first, once there are two.
    private var frequencies = LineFit()
    private var lastEnergyDb = 0.0
    private var lastObservedFrame: Int64 = -2
    private var energySteps = 0
    private var sumStep = 0.0
    private var sumAbsStep = 0.0
    private var secondCount = 0
    private var sumSecond = 0.0
    private var frequencySteps = 0
    private var sumFrequencyStep = 0.0
    private var sumAbsFrequencyStep = 0.0
    private var sumPurity = 0.0
    private var sumLevelDb = 0.0
    /// The latest ``smoothingFrames`` frequencies in the statistics and their frame offsets (Hz, frames), oldest
    /// overwritten.
    private var recentFrequencies = SIMD8<Double>()
    private var recentTimes = SIMD8<Double>()
    private var recentCount = 0
    /// Running sums of the least-squares line through the moving averages of ``smoothingFrames`` frequencies.
    private var smoothed = LineFit()

    /// Frequencies averaged for ``smoothedSpreadHz`` (the size of ``recentFrequencies``): 8 frames, 80 ms. A codec
    /// at a low bit rate (Opus, GSM, AMR) makes a steady tone's frequency scatter from one 20 ms codec frame to the
    /// next. That scatter is the step of a jittered phase, so consecutive errors cancel and an average over 8 frames
    /// keeps only the difference of two phase errors over 8 (measured on xsrc-codec: 4 frames left a third of the
    /// scatter, 8 frames a sixth); a voice's pitch wanders over syllables (100 ms and more), which it keeps.
    static let smoothingFrames = 8

    /// Stages of a track's life.
    enum State: Sendable, Hashable {
        /// Collecting frames; not judged yet.
        case building
        /// Looks like a beep but its frequency is a signalling tone's: decided when the track ends.
        case deferred
        /// Looks like a beep but not clearly enough to tell from a voice's held harmonic or a musical note: judged
        /// again once it has lasted longer, or, if it ends first, by whether silence follows it.
        case watching
        /// Reported as a beep.
        case reported
        /// Rejected; the rest of the track is ignored.
        case rejected
    }

    /// Starts a track at `frame`.
    init(frame: Int64, tone: ToneFrame) {
        firstFrame = frame
        sequenceStart = frame
        add(frame: frame, tone: tone)
    }

    /// Whether `tone` continues this track: its strongest peak, or its second tone (two tones of a similar level
    /// trade places from frame to frame), lies close to the latest frame's frequency (±3 %, at least 25 Hz).
    func continues(with tone: ToneFrame) -> Bool {
        near(tone.frequencyHz) || (tone.secondFrequencyHz > 0 && near(tone.secondFrequencyHz))
    }

    private func near(_ frequencyHz: Double) -> Bool {
        abs(frequencyHz - lastFrequencyHz) <= max(25, 0.03 * lastFrequencyHz)
    }

    /// Adds a tonal frame, with its two tones swapped if the second is the one this track follows.
    mutating func add(frame: Int64, tone original: ToneFrame) {
        var tone = original
        if tonalFrames > 0, !near(tone.frequencyHz), tone.secondFrequencyHz > 0, near(tone.secondFrequencyHz) {
            swap(&tone.frequencyHz, &tone.secondFrequencyHz)
        }
        // The first frame straddles the onset (part of its window is what came before): it sets the start, but its
        // frequency does not enter the statistics unless it is all there is.
        if frequencies.count == 1 && tonalFrames == 1 {
            recentCount = 0
            frequencies = LineFit()
        }
        if frequencies.count > 0 && frame == lastFrame + 1 {
            let step = tone.frequencyHz - lastFrequencyHz
            sumFrequencyStep += step
            sumAbsFrequencyStep += abs(step)
            frequencySteps += 1
        }
        let t = Double(frame - firstFrame)
        frequencies.add(t: t, f: tone.frequencyHz)
        let slot = recentCount % Self.smoothingFrames
        recentFrequencies[slot] = tone.frequencyHz
        recentTimes[slot] = t
        recentCount += 1
        if recentCount >= Self.smoothingFrames {
            let scale = 1 / Double(Self.smoothingFrames)
            smoothed.add(t: recentTimes.sum() * scale, f: recentFrequencies.sum() * scale)
        }
        observe(frame: frame, energyDb: tone.bandEnergyDb)
        if tone.secondFrequencyHz > 0 {
            secondCount += 1
            sumSecond += tone.secondFrequencyHz
        }
        sumPurity += tone.purity
        sumLevelDb += tone.bandEnergyDb
        tonalFrames += 1
        lastFrame = frame
        lastFrequencyHz = tone.frequencyHz
    }

    /// Records the level of an analysed frame inside the track's span, tonal or not, for ``levelWobbleDb``.
    mutating func observe(frame: Int64, energyDb: Double) {
        if lastObservedFrame == frame - 1 {
            let step = energyDb - lastEnergyDb
            sumStep += step
            sumAbsStep += abs(step)
            energySteps += 1
        }
        lastObservedFrame = frame
        lastEnergyDb = energyDb
    }

    /// Mean frequency over the track, in Hz.
    var meanFrequencyHz: Double { frequencies.meanF }

    /// Mean frequency of the second simultaneous tone when it was present in most frames, in Hz; else 0.
    var secondFrequencyHz: Double {
        secondCount * 2 > tonalFrames ? sumSecond / Double(secondCount) : 0
    }

    /// Mean band level over the tonal frames, in dB relative to a full-scale sine.
    var meanLevelDb: Double { sumLevelDb / Double(max(tonalFrames, 1)) }

    /// Mean purity over the track (0...1).
    var meanPurity: Double { sumPurity / Double(max(tonalFrames, 1)) }

    /// Standard deviation of the frequencies around their least-squares line, in Hz: small for steady tones and
    /// sweeps, large for voices and vibrato.
    var frequencySpreadHz: Double { frequencies.residualDeviation }

    /// Standard deviation of the moving averages of ``smoothingFrames`` frequencies around their least-squares line,
    /// in Hz: what is left of ``frequencySpreadHz`` once the frame-to-frame scatter of a codec or of noise is
    /// averaged out, so small for a coded steady tone and still large for a voice's wandering pitch. Infinite until
    /// three averages exist (the track is too short to tell scatter from wandering).
    var smoothedSpreadHz: Double { smoothed.count >= 3 ? smoothed.residualDeviation : .infinity }

    /// Least-squares slope of the frequency, as a fraction of the mean frequency per frame (a glide or sweep).
    var relativeSlopePerFrame: Double {
        frequencies.count >= 3 ? frequencies.slope / max(meanFrequencyHz, 1) : 0
    }

    /// Judged only by the quiet after it (music is on the line).
    var quietOnly = false
    /// Passed the steadiness and signalling checks when judged: a steady tone, whatever was decided after. A tone
    /// that takes over from it at once may be the next tone of a multi-tone beep.
    var steady = false
    /// Started within a few frames of a long tone's end (`max_succession_gap_frames`).
    var takesOver = false
    /// First frame of the multi-tone sequence this track continues, or its own first frame.
    var sequenceStart: Int64 = 0
    /// Voiced, non-tonal frames in the 400 ms before the track's onset.
    var voicedBefore = 0
    /// Frames between the previous track's last tonal frame and this track's first.
    var gapBefore: Int64 = 0

    /// Mean absolute deviation of the frame-to-frame level steps from their mean, in dB: near 0 for steady or
    /// steadily decaying tones, several dB for two close tones beating.
    var levelWobbleDb: Double {
        guard energySteps >= 2 else { return 0 }
        let mean = sumStep / Double(energySteps)
        // Σ|s − m| ≥ |Σ|s| − n|m||: a cheap lower bound that needs no per-frame storage.
        return max(0, sumAbsStep - Double(energySteps) * abs(mean)) / Double(energySteps)
    }

    /// Mean absolute deviation of the frame-to-frame frequency steps from their mean (the glide), in thousandths of
    /// the mean frequency: a fraction of a permille for a generated tone, even through a codec, and more for a
    /// voice's harmonic, whose period jitters from one glottal cycle to the next.
    var jitterPermille: Double {
        guard frequencySteps >= 2 else { return 0 }
        let mean = sumFrequencyStep / Double(frequencySteps)
        // The same cheap lower bound as the level wobble's: no per-frame storage.
        let deviation = max(0, sumAbsFrequencyStep - Double(frequencySteps) * abs(mean)) / Double(frequencySteps)
        return deviation / max(meanFrequencyHz, 1) * 1000
    }

    /// Length of the track from its first to its latest tonal frame, in frames.
    var spanFrames: Int64 { lastFrame - firstFrame + 1 }
}
