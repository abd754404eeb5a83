import AMDCore
package import FoundationEssentials

extension CallRegistration {
    /// Reads a `POST /v1/calls` body: `{"id": …, "match": {"source"?: …, "ssrc"?: …}, "metadata"?: {…},
    /// "no_beep_timeout"?: seconds}`.
    ///
    /// Throws ``CallHubError/invalid(_:)`` with a message naming the field for malformed JSON, a missing field, a
    /// wrong type, `null` (no request field is nullable) or an SSRC outside 0...4294967295; the rest of the
    /// checks are ``validated()``'s, which the hub applies to every registration.
    package init(requestBody: Data) throws(CallHubError) {
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: requestBody)
        } catch let error as DecodingError {
            throw .invalid(error.fieldMessage)
        } catch {
            throw .invalid("body is not valid JSON")
        }
        var ssrc: UInt32?
        if let value = request.match.ssrc {
            guard let valid = UInt32(exactly: value) else {
                throw .invalid("field match.ssrc: expected an integer from 0 to 4294967295")
            }
            ssrc = valid
        }
        var noBeepTimeoutMs: Int?
        if let seconds = request.noBeepTimeout {
            let ms = seconds * Self.millisecondsPerSecond
            guard ms.isFinite, Self.noBeepTimeoutRange.contains(ms) else { throw .invalid(Self.noBeepTimeoutMessage) }
            noBeepTimeoutMs = Int(ms.rounded())
        }
        self.init(
            id: request.id, match: .init(source: request.match.source, ssrc: ssrc), metadata: request.metadata ?? [:],
            noBeepTimeoutMs: noBeepTimeoutMs)
    }

    private static let millisecondsPerSecond = 1000.0
    /// The no-beep timeouts a registration may ask for, in ms (the answer classifier's own bounds).
    private static let noBeepTimeoutRange: ClosedRange<Double> = {
        let range = AnswerClassifier.Configuration.noBeepTimeoutRangeMs
        return Double(range.lowerBound)...Double(range.upperBound)
    }()
    private static var noBeepTimeoutMessage: String {
        let range = AnswerClassifier.Configuration.noBeepTimeoutRangeMs
        let low = Double(range.lowerBound) / millisecondsPerSecond
        let high = Double(range.upperBound) / millisecondsPerSecond
        return "field no_beep_timeout: expected seconds from \(low) to \(high)"
    }

    /// The registration with its source in canonical form, and that source parsed; throws
    /// ``CallHubError/invalid(_:)`` naming the field for a bad id, an empty match or a source that is not
    /// `"<ip>:<port>"`.
    package func validated() throws(CallHubError) -> (registration: CallRegistration, source: Match.Source?) {
        guard Self.isValidID(id) else {
            throw .invalid("field id: must be 1 to 128 characters among A-Z a-z 0-9 - _ . ~")
        }
        guard match.source != nil || match.ssrc != nil else {
            throw .invalid("field match: needs source, ssrc or both")
        }
        if let ms = noBeepTimeoutMs, !AnswerClassifier.Configuration.noBeepTimeoutRangeMs.contains(ms) {
            throw .invalid(Self.noBeepTimeoutMessage)
        }
        guard let text = match.source else { return (self, nil) }
        guard let source = Match.Source(parsing: text) else {
            throw .invalid("field match.source: expected \"<ip>:<port>\" (an IP address, a port 1 to 65535)")
        }
        var registration = self
        // The ingress's spelling, so `[::0001]:5004` matches the call shown as `[::1]:5004`.
        registration.match.source = source.canonical
        return (registration, source)
    }

    /// The body as sent; fields are decoded one by one so that `null` is refused with the field's name rather
    /// than read as absent.
    private struct Request: Decodable {
        struct Match: Decodable {
            var source: String?
            /// Wider than `UInt32` so an out-of-range value gets a message naming the field.
            var ssrc: Int64?

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                source = try container.decodeUnlessNull(String.self, forKey: .source)
                ssrc = try container.decodeUnlessNull(Int64.self, forKey: .ssrc)
            }
            enum CodingKeys: String, CodingKey { case source, ssrc }
        }
        var id: String
        var match: Match
        var metadata: [String: String]?
        /// Seconds.
        var noBeepTimeout: Double?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            match = try container.decode(Match.self, forKey: .match)
            metadata = try container.decodeUnlessNull([String: String].self, forKey: .metadata)
            noBeepTimeout = try container.decodeUnlessNull(Double.self, forKey: .noBeepTimeout)
        }
        enum CodingKeys: String, CodingKey {
            case id, match, metadata
            case noBeepTimeout = "no_beep_timeout"
        }
    }
}
