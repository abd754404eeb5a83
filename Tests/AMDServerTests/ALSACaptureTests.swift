import AMDServer
import Foundation
import Testing

/// `ALSACapture` against the real libasound, with its `file` plugin standing in for a sound card
/// (``ALSATestDevice``).
struct ALSACaptureTests {
    /// Reads `capture` until at least `count` samples came (or `maxReads` reads), returning them all.
    static func readSamples(_ capture: inout ALSACapture, count: Int, maxReads: Int = 10_000) throws -> [Int16] {
        var bytes: [UInt8] = []
        var reads = 0
        while bytes.count < 2 * count, reads < maxReads {
            _ = try capture.read(timeoutMs: 1000) { bytes.append(contentsOf: $0) }
            reads += 1
        }
        return littleEndianSamples(bytes)
    }

    @Test func readsBackExactlyTheSamplesOfTheInputFile() throws {
        // A ramp-free, sign-changing pattern that no stale or shifted buffer could reproduce, not a whole number of
        // periods long.
        var state: UInt32 = 7
        let written: [Int16] = (0..<10_050).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int16(truncatingIfNeeded: state >> 16)
        }
        let device = try ALSATestDevice(samples: written)
        defer { device.remove() }
        var capture = try ALSACapture(device: device.name)
        #expect(capture.sampleRate == 16000)
        #expect(capture.periodFrames == 320, "20 ms at 16 kHz")
        let read = try Self.readSamples(&capture, count: written.count + 3 * capture.periodFrames)
        #expect(read.count >= written.count + 3 * capture.periodFrames)
        #expect(Array(read.prefix(written.count)) == written)
        // Past the end of the file the plugin reports periods it does not write: they read as silence.
        #expect(read.dropFirst(written.count).allSatisfy { $0 == 0 })
        #expect(capture.overruns == 0)
    }

    @Test func readsInterleavedFramesFromAFourChannelDevice() throws {
        // Channel c of frame f holds 1000 c + f, so a frame read whole and in channel order is easy to tell from one
        // cut or shifted.
        let frames = 1_000
        let written: [Int16] = (0..<frames).flatMap { frame in (0..<4).map { Int16(1000 * $0 + frame % 1000) } }
        let device = try ALSATestDevice(samples: written)
        defer { device.remove() }
        var capture = try ALSACapture(device: device.name, channels: 4)
        #expect(capture.channels == 4 && capture.periodFrames == 320)
        var reads: [Int] = []
        var bytes: [UInt8] = []
        while bytes.count < 2 * written.count {
            reads.append(try capture.read(timeoutMs: 1000) { bytes.append(contentsOf: $0) })
        }
        #expect(reads.allSatisfy { $0 == 0 || $0 == 320 }, "a read returns whole frames: \(reads)")
        #expect(Array(littleEndianSamples(bytes).prefix(written.count)) == written)
        #expect(capture.lostFrames == 0)
    }

    @Test func asksForSixteenKilohertzButTakesTheOtherSupportedRates() throws {
        let device = try ALSATestDevice(samples: [1, 2, 3])
        defer { device.remove() }
        let narrowband = try ALSACapture(device: device.name, sampleRate: 8000)
        #expect(narrowband.sampleRate == 8000 && narrowband.periodFrames == 160)
        #expect(throws: ALSACaptureError.unsupportedSampleRate(device: device.name, rate: 22050)) {
            _ = try ALSACapture(device: device.name, sampleRate: 22050)
        }
    }

    @Test func errorsNameTheDeviceAndLibasoundsReason() throws {
        let missing = "amd-edge-no-such-pcm"
        #expect {
            _ = try ALSACapture(device: missing)
        } throws: { error in
            guard case .openFailed(missing, let code) = error as? ALSACaptureError else { return false }
            let text = "\(error)"
            return code == -ENOENT && text.contains("\"\(missing)\"") && text.contains("No such file or directory")
        }
        // A device whose definition exists but whose input cannot be opened fails at open too, with the reason.
        _ = try ALSATestDevice(samples: [])
        let noInput = "amdedgetest:INFILE=/nonexistent/amd-edge/call.raw"
        #expect(throws: ALSACaptureError.openFailed(device: noInput, code: -ENOENT)) {
            _ = try ALSACapture(device: noInput)
        }
        let refused = ALSACaptureError.configurationFailed(device: "hw:1,0", setting: "1 channel", code: -EINVAL)
        #expect("\(refused)".contains("\"hw:1,0\" does not take 1 channel: Invalid argument"))
        #expect("\(refused)".contains("plughw"))
        #expect("\(ALSACaptureError.readFailed(device: "hw:2,0", code: -ENODEV))".contains("No such device"))
    }
}
