import CALSA
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One ALSA PCM capture device, opened for 16-bit little-endian samples on one or more interleaved channels and read
/// one period at a time.
///
/// The device is opened non-blocking: ``read(timeoutMs:_:)`` waits for a period with `snd_pcm_wait` for at most its
/// timeout, so the thread that owns the capture can check for a shutdown between reads however quiet the device is.
/// Overruns (the reader fell behind the device's buffer) and suspends are mended with `snd_pcm_recover` and counted
/// in ``overruns``; the audio they lost is gone, its length in frames is added to ``lostFrames`` (from the monotonic
/// clock, ``ALSAStreamClock``) when the device starts again, and the stream carries on. Only an error
/// `snd_pcm_recover` cannot mend (device unplugged, I/O error) throws.
///
/// Noncopyable: one value owns the `snd_pcm_t` and its period buffer, allocated once when the device is opened,
/// and closes the device when it goes away. Not `Sendable`: it lives on the one thread that reads it. Samples are
/// handed out as the S16_LE bytes ALSA wrote, whatever the host's byte order.
package struct ALSACapture: ~Copyable {
    /// Rates the daemon takes from a device, in Hz; ``AMDCore/StreamDetector`` resamples them to 16 kHz.
    package static let supportedSampleRates = [8000, 16000, 44100, 48000]
    /// Bytes per sample: S16_LE.
    static let bytesPerSample = 2

    /// The device name given to `snd_pcm_open`.
    package let device: String
    /// The rate the device runs at, in Hz: the one asked for if it has it, else its nearest.
    package let sampleRate: Int
    /// Interleaved channels per frame.
    package let channels: Int
    /// Frames (one sample per channel) per period: what one read returns at most.
    package let periodFrames: Int
    /// Overruns and suspends recovered from so far.
    package private(set) var overruns = 0
    /// Frames the device captured that were never read, lost to overruns and suspends, so far.
    package private(set) var lostFrames: Int64 = 0
    private var clock: ALSAStreamClock
    private let handle: OpaquePointer
    private let buffer: UnsafeMutableRawBufferPointer

    /// Opens `device` for capture and sets it up: interleaved reads, S16_LE, `channels` channels, the rate nearest
    /// `sampleRate`, about `periodMs` per period and `bufferMs` of buffer.
    ///
    /// Throws ``ALSACaptureError/openFailed(device:code:)`` when the device cannot be opened,
    /// ``ALSACaptureError/configurationFailed(device:setting:code:)`` when it refuses a setting and
    /// ``ALSACaptureError/unsupportedSampleRate(device:rate:)`` when its nearest rate is not one of
    /// ``supportedSampleRates``.
    /// - Parameters:
    ///   - device: an ALSA PCM name (`hw:1,0`, `plughw:1,0`, `default`, or one defined in an asoundrc).
    ///   - channels: interleaved channels to capture (1 for a mono line, N for a card with N lines).
    ///   - sampleRate: the rate to ask for, in Hz; 16000 (the detector's) spares resampling.
    ///   - periodMs: the period to ask for, in milliseconds: how much audio one read brings.
    ///   - bufferMs: the device buffer to ask for, in milliseconds: how late a read may be before an overrun.
    package init(
        device: String, channels: Int = 1, sampleRate: Int = 16000, periodMs: Int = 20, bufferMs: Int = 500
    )
        throws(ALSACaptureError)
    {
        var opened: OpaquePointer?
        let code = snd_pcm_open(&opened, device, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK)
        guard code >= 0, let pcm = opened else { throw .openFailed(device: device, code: code < 0 ? code : -EINVAL) }
        let setup: (sampleRate: Int, periodFrames: Int)
        do {
            setup = try Self.configure(
                pcm, device: device, channels: channels, sampleRate: sampleRate, periodMs: periodMs,
                bufferMs: bufferMs)
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.device = device
        self.handle = pcm
        self.sampleRate = setup.sampleRate
        self.channels = channels
        self.periodFrames = setup.periodFrames
        clock = ALSAStreamClock(sampleRate: setup.sampleRate)
        buffer = .allocate(byteCount: setup.periodFrames * channels * Self.bytesPerSample, alignment: 2)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        snd_pcm_close(handle)
        buffer.deallocate()
    }

    /// Waits up to `timeoutMs` for a period of audio, reads it and gives it to `body` as interleaved S16_LE bytes
    /// (two per sample, ``channels`` samples per frame); returns the frames read.
    ///
    /// Returns 0 without calling `body` when nothing came in time, or after recovering from an overrun or a
    /// suspend. The bytes are valid only inside `body`: the buffer is reused by the next read. Throws
    /// ``ALSACaptureError/readFailed(device:code:)`` when the device fails for good.
    package mutating func read(
        timeoutMs: Int32, _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(ALSACaptureError) -> Int {
        // A capture stream runs only once started: after opening, and again after each recovery.
        if snd_pcm_state(handle) == SND_PCM_STATE_PREPARED {
            let started = snd_pcm_start(handle)
            if started < 0 {
                try recover(started)
                return 0
            }
            lostFrames += clock.started(atNs: Self.monotonicNs())
        }
        let ready = snd_pcm_wait(handle, timeoutMs)
        if ready < 0 {
            try recover(ready)
            return 0
        }
        guard ready > 0 else { return 0 }
        // Cleared first: the file plugin, past the end of its input file, reports frames it did not write.
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        let frames = snd_pcm_readi(handle, buffer.baseAddress, snd_pcm_uframes_t(periodFrames))
        if frames < 0 {
            try recover(Int32(truncatingIfNeeded: frames))
            return 0
        }
        let count = min(Int(frames), periodFrames)
        guard count > 0 else { return 0 }
        clock.read(frames: count)
        body(UnsafeRawBufferPointer(rebasing: buffer[0..<(count * channels * Self.bytesPerSample)]))
        return count
    }

    /// Mends an overrun (`-EPIPE`) or a suspend (`-ESTRPIPE`) with `snd_pcm_recover`, which prepares the device
    /// again (`snd_pcm_prepare`, dropping what its buffer held); the next read starts it and counts the frames lost
    /// meanwhile. `-EAGAIN` needs nothing.
    private mutating func recover(_ code: Int32) throws(ALSACaptureError) {
        guard code != -EAGAIN else { return }
        guard snd_pcm_recover(handle, code, 1) >= 0 else { throw .readFailed(device: device, code: code) }
        overruns += 1
    }

    /// The monotonic clock, in nanoseconds since the process's first call: the time base of ``ALSAStreamClock``.
    private static func monotonicNs() -> UInt64 {
        UInt64(max(0, TimeAmount(ContinuousClock.now - epoch).nanoseconds))
    }

    /// The origin of ``monotonicNs()``.
    private static let epoch = ContinuousClock.now

    /// Applies the hardware parameters and returns the rate and period size the device took.
    private static func configure(
        _ pcm: OpaquePointer, device: String, channels: Int, sampleRate: Int, periodMs: Int, bufferMs: Int
    ) throws(ALSACaptureError) -> (sampleRate: Int, periodFrames: Int) {
        func check(_ code: Int32, _ setting: String) throws(ALSACaptureError) {
            guard code >= 0 else { throw .configurationFailed(device: device, setting: setting, code: code) }
        }
        var allocated: OpaquePointer?
        try check(snd_pcm_hw_params_malloc(&allocated), "hardware parameters")
        guard let params = allocated else {
            throw .configurationFailed(device: device, setting: "hardware parameters", code: -ENOMEM)
        }
        defer { snd_pcm_hw_params_free(params) }
        try check(snd_pcm_hw_params_any(pcm, params), "hardware parameters")
        try check(snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED), "interleaved reads")
        try check(snd_pcm_hw_params_set_format(pcm, params, SND_PCM_FORMAT_S16_LE), "format S16_LE")
        try check(
            snd_pcm_hw_params_set_channels(pcm, params, UInt32(clamping: channels)),
            channels == 1 ? "1 channel" : "\(channels) channels")
        var rate = UInt32(clamping: sampleRate)
        var direction: Int32 = 0
        try check(snd_pcm_hw_params_set_rate_near(pcm, params, &rate, &direction), "a rate near \(sampleRate) Hz")
        guard supportedSampleRates.contains(Int(rate)) else {
            throw .unsupportedSampleRate(device: device, rate: Int(rate))
        }
        var periodUs = UInt32(clamping: periodMs * 1000)
        try check(
            snd_pcm_hw_params_set_period_time_near(pcm, params, &periodUs, &direction), "a period near \(periodMs) ms")
        var bufferUs = UInt32(clamping: bufferMs * 1000)
        try check(
            snd_pcm_hw_params_set_buffer_time_near(pcm, params, &bufferUs, &direction), "a buffer near \(bufferMs) ms")
        try check(snd_pcm_hw_params(pcm, params), "these hardware parameters")
        var periodFrames: snd_pcm_uframes_t = 0
        try check(snd_pcm_hw_params_get_period_size(params, &periodFrames, &direction), "a period size")
        guard periodFrames > 0 else {
            throw .configurationFailed(device: device, setting: "a period size", code: -EINVAL)
        }
        return (Int(rate), Int(periodFrames))
    }
}
