import CALSA

/// Why an ALSA capture device could not be opened, set up or read.
///
/// Every case names the device as given (`hw:1,0`, `plughw:CARD=PCH,DEV=0`) and keeps libasound's negative error
/// code, so the ``description`` can give its reason (`snd_strerror`): "No such file or directory" for a device
/// that does not exist, "Device or resource busy" for one another program holds, "No such device" for one unplugged.
package enum ALSACaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `snd_pcm_open` refused the device for capture (unknown name, busy, no permission); `code` is libasound's
    /// negative errno.
    case openFailed(device: String, code: Int32)
    /// The device does not take a setting the daemon needs; `setting` says which (interleaved access, S16_LE,
    /// one channel, a period or buffer size). A `plughw:` device converts format, channels and rate.
    case configurationFailed(device: String, setting: String, code: Int32)
    /// The nearest rate the device runs at, in Hz, is not one the daemon takes
    /// (``ALSACapture/supportedSampleRates``).
    case unsupportedSampleRate(device: String, rate: Int)
    /// Reading failed in a way `snd_pcm_recover` cannot mend (device unplugged, I/O error); `code` is libasound's
    /// negative errno.
    case readFailed(device: String, code: Int32)

    /// The device the error is about, as given.
    package var device: String {
        switch self {
        case .openFailed(let device, _), .configurationFailed(let device, _, _), .unsupportedSampleRate(let device, _),
            .readFailed(let device, _):
            device
        }
    }

    /// The call's `end_reason` when the error ends a call: `"device_error"`.
    package var endReason: CallEndReason { .deviceError }

    /// A message naming the device and libasound's reason.
    package var description: String {
        switch self {
        case .openFailed(let device, let code):
            "cannot open ALSA capture device \"\(device)\": \(Self.reason(code))"
        case .configurationFailed(let device, let setting, let code):
            "ALSA capture device \"\(device)\" does not take \(setting): \(Self.reason(code))"
                + " (a plughw: device converts format, channels and rate)"
        case .unsupportedSampleRate(let device, let rate):
            "ALSA capture device \"\(device)\" runs at \(rate) Hz, expected one of "
                + ALSACapture.supportedSampleRates.map(String.init).joined(separator: ", ")
                + " Hz (a plughw: device resamples)"
        case .readFailed(let device, let code):
            "reading ALSA capture device \"\(device)\" failed: \(Self.reason(code))"
        }
    }

    /// libasound's text for a negative error code (`snd_strerror`), with the code itself.
    static func reason(_ code: Int32) -> String {
        "\(String(cString: snd_strerror(code))) (\(code))"
    }
}
