import AMDCore
import Testing

/// ``SignallingTones``: which frequencies and pairs are the network's, and how far off they may be.
struct SignallingTonesTests {
    @Test(arguments: [(697.0, 1209.0), (770.0, 1336.0), (852.0, 1477.0), (941.0, 1633.0), (1209.0, 697.0)])
    func aDTMFPairIsDTMFInEitherOrder(first: Double, second: Double) {
        #expect(SignallingTones.classify(frequencyHz: first, secondHz: second) == .dtmf)
    }

    @Test func aDTMFPairMatchesWithinTwoAndAHalfPercentOnly() {
        // 697 · 1.02 and 1209 · 0.98 are in; 697 · 1.03 is out (and no other pair or single is near 718 Hz).
        #expect(SignallingTones.classify(frequencyHz: 697 * 1.02, secondHz: 1209 * 0.98) == .dtmf)
        #expect(SignallingTones.classify(frequencyHz: 697 * 1.03, secondHz: 1209) == .none)
    }

    @Test func aDTMFComponentIsAnyRowOrColumnFrequencyWithinTwoAndAHalfPercent() {
        for frequency in [697.0, 770.0, 852.0, 941.0, 1209.0, 1336.0, 1477.0, 1633.0] {
            #expect(SignallingTones.isDTMFComponent(frequencyHz: frequency * 1.02))
            #expect(SignallingTones.isDTMFComponent(frequencyHz: frequency * 0.98))
        }
        // 1000 Hz, 730 Hz (between 697 and 770) and 697 · 1.03 are no digit's.
        #expect(!SignallingTones.isDTMFComponent(frequencyHz: 1000))
        #expect(!SignallingTones.isDTMFComponent(frequencyHz: 730))
        #expect(!SignallingTones.isDTMFComponent(frequencyHz: 697 * 1.03))
    }

    @Test(arguments: [(350.0, 440.0), (440.0, 480.0), (400.0, 450.0), (480.0, 620.0), (350.0, 450.0)])
    func aCallProgressPairIsRecognisedAsAPair(low: Double, high: Double) {
        #expect(SignallingTones.classify(frequencyHz: high, secondHz: low) == .callProgressPair)
    }

    @Test func aCallProgressPairMatchesWithinThreePercent() {
        #expect(SignallingTones.classify(frequencyHz: 480 * 1.025, secondHz: 620 * 0.975) == .callProgressPair)
        // 480 · 1.05 = 504 Hz and 620 Hz: neither a pair nor, as a single tone, a signalling frequency.
        #expect(SignallingTones.classify(frequencyHz: 480 * 1.05, secondHz: 620) == .none)
    }

    @Test(arguments: [
        (425.0, SignallingTones.Match.callProgressSingle), (400.0, .callProgressSingle), (450.0, .callProgressSingle),
        (913.8, .sitFirst), (985.2, .sitFirst), (1370.6, .sitLater), (1428.5, .sitLater), (1776.7, .sitLater),
        (1100.0, .faxCalling), (2100.0, .answerTone), (2225.0, .answerTone), (1000.0, .none), (700.0, .none),
    ])
    func aSingleToneIsClassifiedByItsNominalFrequency(frequency: Double, match: SignallingTones.Match) {
        #expect(SignallingTones.classify(frequencyHz: frequency, secondHz: 0) == match)
    }

    @Test func aSingleToneMatchesWithinTheToleranceOnly() {
        let inside = 1100 * (1 + SignallingTones.tolerance * 0.9)
        let outside = 1100 * (1 + SignallingTones.tolerance * 1.1)
        #expect(SignallingTones.classify(frequencyHz: inside, secondHz: 0) == .faxCalling)
        #expect(SignallingTones.classify(frequencyHz: outside, secondHz: 0) == .none)
    }

    @Test func aSecondToneThatMakesNoPairLeavesTheFirstClassifiedAlone() {
        // 425 Hz with 1000 Hz is no known pair: the 425 Hz tone is still a call-progress frequency.
        #expect(SignallingTones.classify(frequencyHz: 425, secondHz: 1000) == .callProgressSingle)
    }

    @Test func nominalMeansCloseToASingleToneSignallingFrequencyOtherThanSIT() {
        #expect(SignallingTones.isNominal(frequencyHz: 425.5, tolerance: 0.004))
        #expect(SignallingTones.isNominal(frequencyHz: 2100, tolerance: 0.004))
        #expect(SignallingTones.isNominal(frequencyHz: 1100, tolerance: 0))
        // 431 Hz is 1.4 % off 425 Hz: a call-progress frequency, but not its nominal value.
        #expect(!SignallingTones.isNominal(frequencyHz: 431, tolerance: 0.004))
        #expect(!SignallingTones.isNominal(frequencyHz: 913.8, tolerance: 0.004))
    }
}
