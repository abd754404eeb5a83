/// A controller's name for media it expects (`POST /v1/calls`): the matching stream takes `id`.
///
/// A registration stays until `DELETE /v1/calls/{id}`. The first matching stream takes `id` itself; a later stream
/// that matches while the id is already in use (a new SSRC after a re-INVITE, the other direction) takes
/// `id.2`, `id.3`, … so every stream keeps a unique id.
package struct CallRegistration: Sendable, Hashable, Codable {
    /// Which streams a registration names: by source, by SSRC, or both (both must then agree).
    package struct Match: Sendable, Hashable, Codable {
        /// `"<ip>:<port>"` of the media's source, as the API shows it.
        package var source: String?
        /// RTP synchronisation source.
        package var ssrc: UInt32?

        /// Creates a match.
        package init(source: String? = nil, ssrc: UInt32? = nil) {
            self.source = source
            self.ssrc = ssrc
        }

        /// Whether a stream with this descriptor is one this match names.
        package func matches(_ descriptor: CallDescriptor) -> Bool {
            if let source, source != descriptor.source { return false }
            if let ssrc, ssrc != descriptor.ssrc { return false }
            return source != nil || ssrc != nil
        }
    }

    /// The controller's call id (URL-safe: letters, digits, `-`, `_`, `.`, `~`; 1 to 128 characters).
    package var id: String
    /// Which streams take the id.
    package var match: Match
    /// Free-form metadata copied onto the matching calls.
    package var metadata: [String: String]
    /// How long a machine's greeting must be followed by silence to end with `silence` on the matching calls, in ms;
    /// nil for the daemon's default (``AMDCore/AnswerClassifier/Configuration/defaultNoBeepTimeoutMs``).
    package var noBeepTimeoutMs: Int?

    /// Creates a registration.
    package init(id: String, match: Match, metadata: [String: String] = [:], noBeepTimeoutMs: Int? = nil) {
        self.id = id
        self.match = match
        self.metadata = metadata
        self.noBeepTimeoutMs = noBeepTimeoutMs
    }

    /// Whether `id` may name a call: 1 to 128 characters among `A-Z a-z 0-9 - _ . ~`.
    package static func isValidID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
