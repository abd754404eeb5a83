package import AMDCore
import Dispatch
import FoundationEssentials
package import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Captures every `--alsa` device (hardware line capture: `hw:1,0`, `plughw:1,0`, …), one call per device, or one
/// call per channel for a device given as `DEVICE@N` (``ALSADevice``: a card presenting N telephone lines).
///
/// Each device is read by a thread of its own, since its loop blocks (in `snd_pcm_wait`) and has no place on an
/// event loop or the concurrency pool. The thread opens the device (``ALSACapture``: S16_LE on N interleaved
/// channels, 16 kHz or what the device has among ``ALSACapture/supportedSampleRates``), opens one call per channel
/// on the ``CallSink`` (ingress `alsa`, source ``ALSADevice/source(channel:)``, codec `L16/<rate>`, id
/// ``callID(device:channel:)``) and feeds each channel of each period to that call's ``StreamDetector``, which it
/// owns (``ALSAIngressStream``), so the per-period path takes no lock and allocates nothing. Each detector takes the
/// no-beep timeout the hub has for its call (`--no-beep-timeout`), as on the other ingresses. Beeps go to the sink at
/// once, counters every ``CallCounters/reportIntervalMs`` of stream time, both through the call's ``CallReporter``.
/// Frames lost to an overrun move every channel's stream time on (``ALSACapture/lostFrames``), so later events keep
/// the line's time.
///
/// The devices are opened by ``open(devices:sink:metrics:logger:)`` before the daemon listens: one that cannot be
/// opened makes it throw its ``ALSACaptureError`` (naming the device and libasound's reason) and the daemon does
/// not start. A device failing later ends only its own call (`end_reason` `device_error`), with an error log and
/// `amd_alsa_errors_total`; the other devices go on. A device whose call the hub refuses (`--max-calls`) is logged
/// and closed again. libasound's file plugin, which tests use as a device, never ends (past its input it reads as
/// silence); a real device ends only by failing. At a graceful shutdown (or cancellation) ``run()`` asks every
/// thread to stop; each sees it within one read timeout (``readTimeoutMs``), ends its call (`shutdown`) and closes
/// its device.
package struct ALSAIngress: Service {
    /// The longest one read waits for a period, in milliseconds: how late a thread may notice a shutdown.
    static let readTimeoutMs: Int32 = 100

    /// The devices captured, as given (`DEVICE` or `DEVICE@N`).
    package let devices: [String]
    let sink: any CallSink
    let metrics: ServerMetrics
    let logger: Logger
    /// The detector's model.
    let model: ValidatedModel
    private let stopRequest = StopRequest()
    /// One task per device, finishing when the device's thread ends.
    private var threads: [Task<Void, Never>] = []

    private init(devices: [String], model: ValidatedModel, sink: any CallSink, metrics: ServerMetrics, logger: Logger) {
        self.devices = devices
        self.model = model
        self.sink = sink
        self.metrics = metrics
        self.logger = logger
    }

    /// Opens every device, each on its own capture thread, and starts capturing; returns once all are open.
    ///
    /// Throws the ``ALSACaptureError`` (or the detector's error) of the first device in the list that cannot be set
    /// up, after stopping the others (any call already opened ends with `shutdown`).
    /// - Parameters:
    ///   - devices: ALSA PCM names, one call each, or `DEVICE@N` for one call per channel (``ALSADevice``).
    ///   - model: the detector's model.
    ///   - sink: where the calls are reported (the daemon's hub).
    ///   - metrics: the daemon's metrics, for `amd_alsa_*` and the detector's time.
    ///   - logger: the daemon's logger.
    package static func open(
        devices: [String], model: ValidatedModel = .default, sink: any CallSink, metrics: ServerMetrics, logger: Logger
    ) async throws -> ALSAIngress {
        var ingress = ALSAIngress(devices: devices, model: model, sink: sink, metrics: metrics, logger: logger)
        let (starts, reportStart) = AsyncStream.makeStream(of: (index: Int, error: (any Error)?).self)
        let starter = ingress
        ingress.threads = devices.enumerated().map { index, device in
            Task { await starter.runThread(device: device) { reportStart.yield((index, $0)) } }
        }
        guard !devices.isEmpty else { return ingress }
        // The failure of the first device in the list, whichever thread reports first.
        var failure: (index: Int, error: any Error)?
        var reported = 0
        for await start in starts {
            if let error = start.error, start.index < failure?.index ?? Int.max { failure = (start.index, error) }
            reported += 1
            if reported == devices.count { break }
        }
        guard failure == nil, reported == devices.count else {
            await ingress.stop()
            throw failure?.error ?? CancellationError()
        }
        logger.info("ALSA capture running", metadata: ["alsa.devices": "\(devices)"])
        return ingress
    }

    /// Captures until a graceful shutdown or cancellation, then stops every device and waits for its thread.
    package func run() async {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for thread in threads { await thread.value }
            } onGracefulShutdown: {
                stopRequest.request()
            }
        } onCancel: {
            stopRequest.request()
        }
        // Every device may have ended on its own (device errors); a service that returns would stop the daemon,
        // so stay until it stops.
        try? await gracefulShutdown()
        await stop()
    }

    /// Asks every capture thread to end its call and close its device, and waits until they have.
    package func stop() async {
        stopRequest.request()
        for thread in threads { await thread.value }
    }

    /// The id the ingress proposes for a device's call: `alsa-` and the device name with every character an id
    /// cannot hold (anything but `A-Z a-z 0-9 - _ . ~`) replaced by `-`, e.g. `alsa-plughw-1-0`; for a channel of a
    /// multi-channel device, `-ch` and the channel counted from 1 after it, e.g. `alsa-hw-1-0-ch2`.
    ///
    /// The hub takes it unless a registration names the device or the id is in use (then it gives its own).
    /// - Parameters:
    ///   - device: the PCM name, without `@N`.
    ///   - channel: the channel counted from 0, or `nil` for a mono device.
    package static func callID(device: String, channel: Int? = nil) -> String {
        let safe = device.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "~": Character(scalar)
            default: "-"
            }
        }
        let suffix = channel.map { "-ch\($0 + 1)" } ?? ""
        return String(("alsa-" + String(safe)).prefix(128 - suffix.count)) + suffix
    }

    /// Runs the capture of `device` on a new thread and returns when the thread ends.
    private func runThread(device: String, started: @escaping @Sendable ((any Error)?) -> Void) async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            // A queue of its own is an overcommitting one: libdispatch gives it a thread that may block in ALSA.
            DispatchQueue(label: "amd-edge alsa \(device)").async {
                self.capture(device: device, stop: stopRequest, started: started)
                finished.resume()
            }
        }
    }

    /// Captures `spec` (`DEVICE` or `DEVICE@N`) on the calling thread until `stop` is requested or the device fails;
    /// calls `started` exactly once, with the error when the device or its detectors could not be set up.
    private func capture(device spec: String, stop: StopRequest, started: ((any Error)?) -> Void) {
        // The configuration checked the syntax; a spec that got past it unparsed is taken as a plain name.
        let device = ALSADevice(parsing: spec) ?? ALSADevice(name: spec)
        var capture: ALSACapture
        do {
            capture = try ALSACapture(device: device.name, channels: device.channels)
        } catch {
            started(error)
            return
        }
        var detectors: [StreamDetector] = []
        do {
            for _ in 0..<device.channels {
                detectors.append(
                    try StreamDetector(encoding: .linear16, sampleRate: capture.sampleRate, validated: model))
            }
        } catch {
            started(error)
            return
        }
        var logger = logger
        logger[metadataKey: "alsa.device"] = "\(device)"
        let sampleRate = capture.sampleRate
        let codec = "L16/\(sampleRate)"
        let callMetrics = IngressMetrics(server: metrics, units: nil)
        let calls = detectors.enumerated().map { channel, detector -> PCMCallStream? in
            let descriptor = CallDescriptor(
                ingress: .alsa, source: device.source(channel: channel), codec: codec,
                proposedID: Self.callID(device: device.name, channel: device.channels == 1 ? nil : channel))
            guard let callID = sink.open(descriptor) else {
                logger.error(
                    "ALSA capture of a channel not started: the daemon is at its call limit (--max-calls)",
                    metadata: ["alsa.channel": "\(channel + 1)"])
                return nil
            }
            let reporter = CallReporter(callID: callID, sink: sink, sampleRate: sampleRate, metrics: callMetrics)
            return PCMCallStream(reporter: reporter, detector: detector)
        }
        started(nil)
        guard calls.contains(where: { $0 != nil }) else { return }
        let callIDs = calls.compactMap { $0?.callID }
        logger.info(
            "ALSA capture started",
            metadata: [
                "calls": "\(callIDs)", "codec": "\(codec)", "alsa.channels": "\(device.channels)",
                "alsa.period_frames": "\(capture.periodFrames)",
            ])
        let deviceMetrics = ALSAMetrics(device: device.name, metrics: metrics)
        var stream = ALSAIngressStream(
            calls: calls, sampleRate: sampleRate, periodFrames: capture.periodFrames, deviceMetrics: deviceMetrics)
        var overruns = 0
        var lostFrames: Int64 = 0
        var failure: ALSACaptureError?
        while !stop.isRequested {
            do {
                _ = try capture.read(timeoutMs: Self.readTimeoutMs) { period in
                    stream.process(period)
                }
            } catch {
                failure = error
                break
            }
            if capture.lostFrames != lostFrames {
                // Known only once the device runs again, before the first period after the gap is processed.
                stream.skip(lostFrames: capture.lostFrames - lostFrames)
                lostFrames = capture.lostFrames
            }
            if capture.overruns != overruns {
                deviceMetrics.overruns.increment(by: capture.overruns - overruns)
                overruns = capture.overruns
                logger.warning(
                    "ALSA capture overrun: audio was lost",
                    metadata: ["calls": "\(callIDs)", "alsa.overruns": "\(overruns)"])
            }
        }
        if let failure {
            deviceMetrics.errors.increment()
            logger.error(
                "ALSA capture failed; its calls end", metadata: ["calls": "\(callIDs)", "error": "\(failure)"])
        } else {
            logger.debug(
                "ALSA capture stopped",
                metadata: ["calls": "\(callIDs)", "alsa.overruns": "\(overruns)", "alsa.lost_frames": "\(lostFrames)"])
        }
        stream.end(reason: failure?.endReason ?? .shutdown)
    }
}

/// A stop request shared by the ingress and its capture threads, which check it between reads.
private final class StopRequest: Sendable {
    private let requested = Atomic(false)

    /// Whether a stop was requested.
    var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Asks every capture thread to end its call and close its device.
    func request() { requested.store(true, ordering: .releasing) }
}
