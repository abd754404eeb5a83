/// One `--alsa` entry: an ALSA PCM name and how many interleaved channels to open it with, each its own call.
///
/// Written `DEVICE` (mono, one call) or `DEVICE@N` (N interleaved channels, one call per channel), e.g. `hw:1,0@4`
/// for a line-capture card presenting four telephone lines. Only a trailing `@` followed by digits is taken as the
/// channel count, so a PCM name holding `@` elsewhere is left alone.
package struct ALSADevice: Sendable, Hashable, CustomStringConvertible {
    /// The most channels one device may be opened with: line-capture cards present 2, 4, 8, 16 or 32 lines.
    package static let maxChannels = 32

    /// The PCM name given to `snd_pcm_open` (`hw:1,0`, `plughw:CARD=PCH,DEV=0`), without `@N`.
    package let name: String
    /// Interleaved channels to open the device with, 1 to ``maxChannels``; each is its own call.
    package let channels: Int

    /// A device opened with `channels` interleaved channels.
    package init(name: String, channels: Int = 1) {
        self.name = name
        self.channels = channels
    }

    /// Parses `DEVICE` or `DEVICE@N`; `nil` when the name is empty or N is not a whole number from 1 to
    /// ``maxChannels``.
    package init?(parsing spec: String) {
        guard let at = spec.lastIndex(of: "@") else {
            guard !spec.isEmpty else { return nil }
            self.init(name: spec)
            return
        }
        let count = spec[spec.index(after: at)...]
        guard !count.isEmpty, count.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            // `@` not followed by digits is part of the name.
            self.init(name: spec)
            return
        }
        guard at > spec.startIndex, let channels = Int(count), (1...Self.maxChannels).contains(channels) else {
            return nil
        }
        self.init(name: String(spec[..<at]), channels: channels)
    }

    /// The entry as written: `DEVICE` for one channel, `DEVICE@N` for more.
    package var description: String { channels == 1 ? name : "\(name)@\(channels)" }

    /// The `source` a channel's call shows: the device name for a mono device, `DEVICE/chN` (N from 1) for a channel
    /// of a multi-channel one. A registration matching it names the call.
    package func source(channel: Int) -> String { channels == 1 ? name : "\(name)/ch\(channel + 1)" }
}
