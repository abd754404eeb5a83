import Testing

@testable import AMDCore

/// ``RecentTones``: the cadence memory (frequency, age, speech since) and the SIT triplet window.
struct RecentTonesTests {
    /// A steady tone of `frequency` Hz over frames `first...last`.
    static func tone(_ frequency: Double, frames range: ClosedRange<Int64>) -> ToneTrack {
        var tone = ToneFrame()
        tone.isTonal = true
        tone.frequencyHz = frequency
        tone.purity = 0.9
        tone.bandEnergyDb = -20
        var track = ToneTrack(frame: range.lowerBound, tone: tone)
        for frame in (range.lowerBound + 1)...range.upperBound { track.add(frame: frame, tone: tone) }
        return track
    }

    @Test func anEmptyMemoryHoldsNoTone() {
        let recent = RecentTones()
        #expect(!recent.contains(frequencyHz: 425, since: -1_000_000, speechWindows: 0, speechBetween: 1))
    }

    @Test func aToneRepeatsWithinTwoPercentOnly() {
        var recent = RecentTones()
        recent.remember(Self.tone(425, frames: 100...150), speechWindows: 0)
        #expect(recent.contains(frequencyHz: 425 * 1.019, since: 0, speechWindows: 0, speechBetween: 1))
        #expect(recent.contains(frequencyHz: 425 * 0.981, since: 0, speechWindows: 0, speechBetween: 1))
        #expect(!recent.contains(frequencyHz: 425 * 1.03, since: 0, speechWindows: 0, speechBetween: 1))
    }

    @Test func aToneEndedBeforeTheWindowIsForgotten() {
        var recent = RecentTones()
        recent.remember(Self.tone(1000, frames: 100...150), speechWindows: 0)
        #expect(recent.contains(frequencyHz: 1000, since: 150, speechWindows: 0, speechBetween: 1))
        #expect(!recent.contains(frequencyHz: 1000, since: 151, speechWindows: 0, speechBetween: 1))
    }

    @Test func speechSinceTheToneBreaksTheCadence() {
        var recent = RecentTones()
        recent.remember(Self.tone(440, frames: 10...60), speechWindows: 3)
        // Fewer than `speechBetween` windows of speech since: still a cadence.
        #expect(recent.contains(frequencyHz: 440, since: 0, speechWindows: 7, speechBetween: 5))
        #expect(!recent.contains(frequencyHz: 440, since: 0, speechWindows: 8, speechBetween: 5))
    }

    @Test func theOldestToneMakesRoomForANinth() {
        var recent = RecentTones()
        for index in 0..<RecentTones.capacity {
            let first = Int64(index) * 100
            recent.remember(Self.tone(500 + 100 * Double(index), frames: first...(first + 20)), speechWindows: 0)
        }
        #expect(recent.contains(frequencyHz: 500, since: 0, speechWindows: 0, speechBetween: 1))
        recent.remember(Self.tone(3000, frames: 900...920), speechWindows: 0)
        #expect(!recent.contains(frequencyHz: 500, since: 0, speechWindows: 0, speechBetween: 1))
        #expect(recent.contains(frequencyHz: 600, since: 0, speechWindows: 0, speechBetween: 1))
        #expect(recent.contains(frequencyHz: 3000, since: 0, speechWindows: 0, speechBetween: 1))
    }

    @Test func aSITTripletCoversTheNextTwoSeconds() {
        var recent = RecentTones()
        #expect(!recent.isInSIT(at: 0))
        recent.heardSIT(at: 1000)
        #expect(recent.isInSIT(at: 1000))
        #expect(recent.isInSIT(at: 1000 + RecentTones.sitTripletFrames))
        #expect(!recent.isInSIT(at: 1001 + RecentTones.sitTripletFrames))
    }

    @Test func aDTMFDigitOpensAStringForTheNextFiveSeconds() {
        var recent = RecentTones()
        #expect(!recent.isInDTMFString(at: 0))
        recent.heardDTMF(at: 1000)
        #expect(recent.isInDTMFString(at: 1000 + RecentTones.dtmfStringFrames))
        #expect(!recent.isInDTMFString(at: 1001 + RecentTones.dtmfStringFrames))
    }
}
