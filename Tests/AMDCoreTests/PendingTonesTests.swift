import Testing

@testable import AMDCore

/// ``PendingTones``: what an ended tone waits for, and what settles it.
struct PendingTonesTests {
    static let clock = FrameClock(hopSamples: 160, sampleRateHz: 16_000)
    static let configuration = BeepDetector.Configuration()

    static func pending() -> PendingTones { PendingTones(configuration: configuration, clock: clock) }

    /// A steady track of `frequency` Hz over frames `first...last`, in `state`, classed as `signalling`, at `levelDb`.
    static func track(
        _ frequency: Double, frames range: ClosedRange<Int64>, state: ToneTrack.State,
        signalling: SignallingTones.Match = .none, levelDb: Double = -20
    ) -> ToneTrack {
        var tone = ToneFrame()
        tone.isTonal = true
        tone.frequencyHz = frequency
        tone.purity = 0.95
        tone.bandEnergyDb = levelDb
        var track = ToneTrack(frame: range.lowerBound, tone: tone)
        for frame in (range.lowerBound + 1)...range.upperBound { track.add(frame: frame, tone: tone) }
        track.state = state
        track.signalling = signalling
        return track
    }

    /// A decision in a few words, for comparing: the case, the reason and detail, the tone's frequency in whole Hz.
    static func summary(_ decision: PendingTones.Decision) -> String {
        func hz(_ track: ToneTrack) -> Int { Int(track.meanFrequencyHz.rounded()) }
        return switch decision {
        case .none: "none"
        case .reject(let track, let reason, let detail): "reject \(reason.rawValue) \(detail) \(hz(track))"
        case .sitTriplet(let track, let laterHz): "sit \(hz(track)) then \(laterHz)"
        case .settle(let track): "settle \(hz(track))"
        case .score(let track): "score \(hz(track))"
        }
    }

    @Test func aWatchedToneIsSettledWhenTheLineStaysQuiet() {
        var pending = Self.pending()
        let ended = Self.track(900, frames: 100...115, state: .watching)
        #expect(Self.summary(pending.trackEnded(ended, at: 117, speechRecognised: false)) == "none")
        #expect(pending.isWaiting)
        // `quiet_after_ms` is 300 ms: 30 frames.
        for frame in Int64(118)..<147 { #expect(Self.summary(pending.resolve(now: frame, current: nil)) == "none") }
        #expect(Self.summary(pending.resolve(now: 147, current: nil)) == "settle 900")
        #expect(!pending.isWaiting)
    }

    /// A pause between words is shorter than `quiet_after_ms`: a held harmonic with the next word 250 ms after it
    /// is a voice, not a beep followed by quiet.
    @Test func aToneWithTheNextWordAfterAPauseIsAVoice() {
        var pending = Self.pending()
        _ = pending.trackEnded(Self.track(400, frames: 100...115, state: .watching), at: 117, speechRecognised: true)
        for frame in Int64(118)..<142 { #expect(Self.summary(pending.resolve(now: frame, current: nil)) == "none") }
        // The next word: five voiced frames as loud as the tone, 250 ms after it, inside the 300 ms wait.
        for _ in 0..<5 { pending.observeVoiced(bandEnergyDb: -25) }
        #expect(Self.summary(pending.resolve(now: 147, current: nil)) == "reject speech_around 5.0 400")
    }

    @Test func aWatchedToneFollowedBySpeechIsAVoice() {
        var pending = Self.pending()
        _ = pending.trackEnded(Self.track(300, frames: 100...115, state: .watching), at: 117, speechRecognised: true)
        // `max_voiced_after` is 4: the fifth voiced frame as loud as the tone (within 12 dB) rejects it.
        for _ in 0..<5 { pending.observeVoiced(bandEnergyDb: -25) }
        #expect(Self.summary(pending.resolve(now: 147, current: nil)) == "reject speech_around 5.0 300")
    }

    @Test func soundFarUnderTheToneIsTheBackground() {
        var pending = Self.pending()
        _ = pending.trackEnded(Self.track(1200, frames: 100...115, state: .watching), at: 117, speechRecognised: true)
        for _ in 0..<15 { pending.observeVoiced(bandEnergyDb: -40) }
        #expect(Self.summary(pending.resolve(now: 147, current: nil)) == "settle 1200")
    }

    @Test func aLongCallProgressToneIsRingback() {
        var pending = Self.pending()
        // 170 frames: 1,700 ms with the padding, over `ringback_min_ms` (1,600).
        let ringback = Self.track(425, frames: 100...269, state: .deferred, signalling: .callProgressSingle)
        let decision = pending.trackEnded(ringback, at: 271, speechRecognised: false)
        #expect(Self.summary(decision) == "reject call_progress 1720.0 425")
        #expect(!pending.isWaiting)
    }

    @Test func aLongAnswerToneIsTooLongAndAHalfSecondCallingToneIsAFax() {
        var pending = Self.pending()
        let ced = Self.track(2100, frames: 100...399, state: .deferred, signalling: .answerTone)
        #expect(Self.summary(pending.trackEnded(ced, at: 401, speechRecognised: true)) == "reject too_long 3020.0 2100")
        let cng = Self.track(1100, frames: 100...149, state: .deferred, signalling: .faxCalling)
        #expect(Self.summary(pending.trackEnded(cng, at: 151, speechRecognised: true)) == "reject fax 520.0 1100")
    }

    @Test func aShortCallProgressToneRepeatedIsACadence() {
        var pending = Self.pending()
        let busy = Self.track(425, frames: 100...149, state: .deferred, signalling: .callProgressSingle)
        #expect(Self.summary(pending.trackEnded(busy, at: 151, speechRecognised: false)) == "none")
        let again = Self.track(426, frames: 200...205, state: .building)
        #expect(Self.summary(pending.resolve(now: 205, current: again)) == "reject repeated 0.0 425")
    }

    @Test func aShortCallProgressToneNotRepeatedIsSettledAfterTheCadenceWait() {
        var pending = Self.pending()
        let tone = Self.track(440, frames: 100...139, state: .deferred, signalling: .callProgressSingle)
        _ = pending.trackEnded(tone, at: 141, speechRecognised: true)
        // After 2 s of recognised speech the wait is `cadence_gap_ms` (600 ms, 60 frames), and speech may follow.
        pending.observeVoiced(bandEnergyDb: -10)
        #expect(Self.summary(pending.resolve(now: 200, current: nil)) == "none")
        #expect(Self.summary(pending.resolve(now: 201, current: nil)) == "settle 440")
    }

    @Test func aSITFirstSegmentFollowedByALaterOneIsATriplet() {
        var pending = Self.pending()
        let first = Self.track(913.8, frames: 100...126, state: .deferred, signalling: .sitFirst)
        _ = pending.trackEnded(first, at: 128, speechRecognised: true)
        let second = Self.track(1370.6, frames: 128...135, state: .building)
        #expect(Self.summary(pending.resolve(now: 135, current: second)) == "sit 914 then 1370.6")
    }

    @Test func aDeferredToneOfNoSignallingClassIsScoredAtItsEnd() {
        var pending = Self.pending()
        let tone = Self.track(1004, frames: 100...140, state: .deferred, signalling: .none)
        #expect(Self.summary(pending.trackEnded(tone, at: 142, speechRecognised: true)) == "score 1004")
        #expect(!pending.isWaiting)
    }

    @Test(arguments: [ToneTrack.State.building, .reported, .rejected])
    func otherTracksEndWithoutWaiting(state: ToneTrack.State) {
        var pending = Self.pending()
        let tone = Self.track(800, frames: 100...140, state: state)
        #expect(Self.summary(pending.trackEnded(tone, at: 142, speechRecognised: true)) == "none")
        #expect(!pending.isWaiting)
    }
}
