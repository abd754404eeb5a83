package import AMDCore
import FoundationEssentials

/// One Vonage Voice API websocket connection as a state machine, fed one complete message at a time.
///
/// The first message must be the `websocket:connected` text (``VonageHeader``); it opens the call on the
/// ``CallSink`` and builds the call's ``StreamDetector`` at the stream's rate (16000 or 8000 Hz, which the detector
/// resamples). Binary messages then carry 16-bit little-endian PCM, usually one 20 ms frame each (640 bytes at
/// 16 kHz, 320 at 8 kHz); any size of whole samples is accepted and the detector frames it internally. Text
/// messages after the header are events: DTMF digits are kept on the call, others ignored.
///
/// No I/O: the websocket driver (``VonageIngress``) owns one value per connection on one task, so the per-frame path
/// takes no lock and allocates nothing. The call goes to the sink and the metrics through its ``CallReporter`` (whose
/// only clock reading times the detector). Stream time is samples received divided by the rate.
package struct VonageSession: Sendable {
    /// What a text message was.
    package enum TextOutcome: Sendable, Hashable {
        /// The header: the call is open with this hub id.
        case connected(callID: String)
        /// A DTMF event; the digit was reported to the sink.
        case dtmf(String)
        /// Some other text (another event or not JSON), ignored.
        case ignored
    }

    /// Where the call is reported.
    package let sink: any CallSink
    /// `"<ip>:<port>"` of the websocket's peer, the call's `source`.
    package let source: String
    /// Largest message accepted, in bytes.
    package let maxMessageBytes: Int
    /// The detector's model.
    let model: ValidatedModel
    /// Where the call's metrics go (audio and detector seconds, frames); `nil` for none.
    let metrics: (any IngressMetricsRecorder)?
    /// The header, once received.
    package private(set) var header: VonageHeader?
    /// DTMF messages received.
    package private(set) var dtmfMessages = 0
    /// Text messages after the header that were neither DTMF nor understood.
    package private(set) var ignoredMessages = 0
    /// Whether ``end(reason:)`` was called.
    package private(set) var isEnded = false
    /// The open call's streaming state, sized when the header arrives.
    private var stream: PCMCallStream?

    /// Creates the state of a connection that has received nothing yet.
    /// - Parameters:
    ///   - source: the peer's `"<ip>:<port>"`.
    ///   - sink: where the call is reported.
    ///   - maxMessageBytes: messages larger than this close the connection (1009).
    ///   - model: the detector's model.
    ///   - metrics: where the call's metrics go; `nil` for none.
    package init(
        source: String, sink: any CallSink, maxMessageBytes: Int, model: ValidatedModel = .default,
        metrics: (any IngressMetricsRecorder)? = nil
    ) {
        self.source = source
        self.sink = sink
        self.maxMessageBytes = maxMessageBytes
        self.model = model
        self.metrics = metrics
    }

    /// The hub's id of the open call, or `nil` before the header.
    package var callID: String? { stream?.callID }

    /// The call's counters so far (zero before the header).
    package var counters: CallCounters { stream?.counters ?? CallCounters() }

    /// Handles one complete text message.
    ///
    /// The first must be the header; a bad one throws (see ``VonageHeader/init(parsing:)``), and so does a full
    /// daemon (``VonageSessionError/callLimit``). Later text is an event and never throws except for its size.
    package mutating func receiveText(_ bytes: UnsafeRawBufferPointer) throws(VonageSessionError) -> TextOutcome {
        guard bytes.count <= maxMessageBytes else { throw .messageTooLarge(bytes: bytes.count, limit: maxMessageBytes) }
        guard stream == nil else { return event(bytes) }
        let header = try VonageHeader(parsing: bytes)
        let detector: StreamDetector
        do {
            detector = try StreamDetector(encoding: .linear16, sampleRate: header.sampleRate, validated: model)
        } catch {
            throw .detectorUnavailable("\(error)")
        }
        let descriptor = CallDescriptor(
            ingress: .websocket, source: source, codec: header.codec, proposedID: header.callID,
            metadata: header.metadata)
        guard let id = sink.open(descriptor) else { throw .callLimit }
        let reporter = CallReporter(callID: id, sink: sink, sampleRate: header.sampleRate, metrics: metrics)
        self.header = header
        stream = PCMCallStream(reporter: reporter, detector: detector)
        return .connected(callID: id)
    }

    /// Handles one complete binary message: 16-bit little-endian PCM at the header's rate.
    ///
    /// Throws ``VonageSessionError/audioBeforeHeader(bytes:)`` before the header,
    /// ``VonageSessionError/oddByteCount(_:)`` for a partial sample and
    /// ``VonageSessionError/messageTooLarge(bytes:limit:)`` over the size limit.
    package mutating func receiveBinary(_ bytes: UnsafeRawBufferPointer) throws(VonageSessionError) {
        guard bytes.count <= maxMessageBytes else { throw .messageTooLarge(bytes: bytes.count, limit: maxMessageBytes) }
        guard bytes.count % 2 == 0 else {
            throw header == nil ? .audioBeforeHeader(bytes: bytes.count) : .oddByteCount(bytes.count)
        }
        // Fed through the optional in place: testing `stream != nil` first made the optimiser copy the whole
        // stream (detector included, a retain per buffer it holds) on every frame, since the session lives in
        // the reader's async frame.
        guard stream?.process(bytes) != nil else { throw .audioBeforeHeader(bytes: bytes.count) }
    }

    /// Ends the call, if one is open, with its final counters; later calls do nothing.
    /// - Parameter reason: why the call ended (its `end_reason`).
    package mutating func end(reason: CallEndReason) {
        guard !isEnded else { return }
        isEnded = true
        stream?.end(reason: reason)
    }

    /// A text message after the header: a DTMF digit is reported, the rest counted and ignored.
    private mutating func event(_ bytes: UnsafeRawBufferPointer) -> TextOutcome {
        guard stream != nil, let object = VonageHeader.jsonObject(bytes),
            object["event"]?.string == "websocket:dtmf",
            let digit = Self.dtmfDigit(object["digit"])
        else {
            ignoredMessages += 1
            return .ignored
        }
        dtmfMessages += 1
        stream?.dtmf(digit)
        return .dtmf(digit)
    }

    /// A DTMF digit (`0`-`9`, `*`, `#`, `A`-`D`) given as a one-character string or a number 0-9; else `nil`.
    static func dtmfDigit(_ value: JSONValue?) -> String? {
        let text: String
        switch value {
        case .string(let string): text = string.uppercased()
        case .number: text = value?.scalarText ?? ""
        default: return nil
        }
        guard text.count == 1, let character = text.first, "0123456789*#ABCD".contains(character) else { return nil }
        return text
    }
}
