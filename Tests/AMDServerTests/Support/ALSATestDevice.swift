import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A capture device served by the real libasound's `file` plugin, standing in for a sound card.
///
/// The PCM `amdedgetest` (type `file`, slave `null`) reads capture data from its `INFILE` argument as raw S16_LE
/// samples and writes them on to `/dev/null`. The `null` slave has no clock, so the plugin gives the input as fast
/// as it is read; past the input's end it keeps reporting full periods it does not write (which `ALSACapture` reads
/// as silence), so a stream never ends on its own. The PCM is defined in a config file that `ALSA_CONFIG_PATH`
/// lists after the system's `alsa.conf`; the variable is set once per test process, before the first device.
///
/// The input is a regular file, or a named pipe holding the samples whose write end the test keeps open
/// (``Input/pipe``): once the samples are read, the plugin's `read` then blocks, so the capture thread waits for
/// audio as it would on a real card instead of spinning through silence. ``closeInput()`` ends the input; call it
/// before the daemon shuts down, since a capture blocked in that `read` cannot see the shutdown.
final class ALSATestDevice {
    /// What the device reads from.
    enum Input {
        /// A regular file: its end is reached at once.
        case file
        /// A named pipe kept open by the test until ``closeInput()``.
        case pipe
    }

    /// Linux's `F_SETPIPE_SZ` (`fcntl.h` with `_GNU_SOURCE`), to make a pipe hold a whole call.
    private static let setPipeSize: Int32 = 1031

    /// The device name to open: `amdedgetest:INFILE=<path>`, or `amdedgetestfull:...` for a failing device.
    let name: String
    /// The raw S16_LE input the device captures from.
    let path: URL
    /// The pipe's write end while open, or -1.
    private var writer: Int32 = -1

    /// Puts `samples` (16-bit, little-endian) in a fresh input and returns the device that captures them.
    ///
    /// A `failing` device copies what it captures to `/dev/full` rather than `/dev/null`: the copy's first write
    /// fails (`ENOSPC`), and libasound fails the read with `-EIO`, as a card that goes away would.
    init(samples: [Int16], input: Input = .file, failing: Bool = false) throws {
        try Self.configured.get()
        path = FileManager.default.temporaryDirectory.appendingPathComponent("amd-edge-alsa-\(UUID().uuidString).raw")
        name = "\(failing ? "amdedgetestfull" : "amdedgetest"):INFILE=\(path.path)"
        let bytes = GeneratedCall.littleEndianBytes(samples)
        guard input == .pipe else {
            try Data(bytes).write(to: path)
            return
        }
        guard mkfifo(path.path, 0o600) == 0 else { throw TestFailure("mkfifo \(path.path): errno \(errno)") }
        // Read-write, so opening never waits for a reader and the pipe has a writer until closeInput().
        writer = open(path.path, O_RDWR | O_NONBLOCK)
        guard writer >= 0 else { throw TestFailure("open \(path.path): errno \(errno)") }
        guard fcntl(writer, Self.setPipeSize, Int32(1 << 20)) >= bytes.count else {
            throw TestFailure("cannot make a pipe hold \(bytes.count) bytes")
        }
        let written = bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw TestFailure("wrote \(written) of \(bytes.count) bytes to the pipe") }
    }

    deinit { closeInput() }

    /// Ends a pipe's input: the device reads on past its end (as silence) instead of waiting.
    func closeInput() {
        if writer >= 0 { close(writer) }
        writer = -1
    }

    /// Ends the input and deletes it (an open device keeps reading what it has opened until it closes).
    func remove() {
        closeInput()
        try? FileManager.default.removeItem(at: path)
    }

    /// Writes the PCM definition and points `ALSA_CONFIG_PATH` at the system config and it, once.
    private static let configured: Result<Void, TestFailure> = {
        let system = ["/usr/share/alsa/alsa.conf", "/usr/local/share/alsa/alsa.conf"]
            .first { FileManager.default.fileExists(atPath: $0) }
        guard let system else { return .failure(TestFailure("no alsa.conf (install libasound2-data)")) }
        let definition = """
            pcm.amdedgetest {
                @args [ INFILE ]
                @args.INFILE { type string }
                type file
                slave.pcm null
                file "/dev/null"
                infile $INFILE
                format raw
            }

            pcm.amdedgetestfull {
                @args [ INFILE ]
                @args.INFILE { type string }
                type file
                slave.pcm null
                file "/dev/full"
                infile $INFILE
                format raw
            }

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "amd-edge-alsa-test-\(getpid()).conf")
        do {
            try Data(definition.utf8).write(to: path)
        } catch {
            return .failure(TestFailure("cannot write \(path.path): \(error)"))
        }
        // The only setenv in the test process: glibc then copies the environment to a new array and leaves the old
        // one in place, so tests reading the environment on other threads meanwhile still see a valid one.
        setenv("ALSA_CONFIG_PATH", "\(system):\(path.path)", 1)
        return .success(())
    }()
}

/// The 16-bit samples of a PCM WAV file (its `data` chunk, little-endian).
func pcm16Samples(ofWAV path: String) throws -> [Int16] {
    littleEndianSamples(try muLawSamples(ofWAV: path))
}

/// 16-bit little-endian `bytes` as samples (a trailing odd byte is ignored).
func littleEndianSamples(_ bytes: [UInt8]) -> [Int16] {
    stride(from: 0, to: bytes.count - 1, by: 2).map {
        Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
    }
}

/// A greeting of real recorded speech at 16 kHz: FreeSWITCH's `agent.wav`, `hi.wav` and `agent.wav` again from the
/// AMDCore test fixtures (7.75 s; the detector wants about 2 s of recognised speech before it trusts a beep).
func recordedSpeech() throws -> [Int16] {
    let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("AMDCoreTests/Fixtures/speech")
    let agent = try pcm16Samples(ofWAV: folder.appendingPathComponent("agent.wav").path)
    let hi = try pcm16Samples(ofWAV: folder.appendingPathComponent("hi.wav").path)
    return agent + hi + agent
}
