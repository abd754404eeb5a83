import AMDCore
import FoundationEssentials

extension CallInspection {
    /// The picture's size and the plot's place in it, in SVG pixels.
    enum Layout {
        static let width = 1280.0
        static let left = 70.0
        static let right = 24.0
        static let spectrogramTop = 74.0
        static let spectrogramHeight = 340.0
        static let stripGap = 8.0
        static let stripHeight = 22.0
        static let axisHeight = 40.0
        static let listLineHeight = 17.0
        static var plotWidth: Double { width - left - right }
        static var stripTop: Double { spectrogramTop + spectrogramHeight + stripGap }
        static var axisTop: Double { stripTop + stripHeight }
    }

    /// The spectrogram's level range: this many dB below its loudest point are drawn, quieter is black.
    static let levelRangeDb: Float = 75

    /// The strip's colour for each frame class.
    static func colour(_ frameClass: FrameClass) -> String {
        switch frameClass {
        case .silence: "#e4e4e4"
        case .speech: "#3d7ede"
        case .music: "#b15fd6"
        case .noise: "#9a9a9a"
        case .tone: "#f29b1d"
        }
    }

    /// A decision's colour: green for the beep, red for a rejection, yellow for a track without a verdict.
    static func colour(_ verdict: ToneDecision.Verdict) -> String {
        switch verdict {
        case .beep: "#22e36b"
        case .rejected: "#ff4d4d"
        case .undecided: "#ffd43b"
        }
    }

    /// What a decision says, in words: the beep with onset, detection time and confidence, or the rejection reason.
    static func summary(_ decision: ToneDecision) -> String {
        let frequency = "\(Int(decision.frequencyHz.rounded())) Hz"
        switch decision.verdict {
        case .beep(let confidence):
            return "BEEP \(frequency): onset \(seconds(decision.onsetMs)) s, detected \(seconds(decision.decidedMs)) s"
                + " (latency \(decision.decidedMs - decision.onsetMs) ms), confidence \(confidence.fixed(3))"
        case .rejected(let reason, let detail):
            return "\(frequency) from \(seconds(decision.onsetMs)) s: rejected at \(seconds(decision.decidedMs)) s,"
                + " \(reason) (\(detail.fixed(2)))"
        case .undecided:
            return "\(frequency) from \(seconds(decision.onsetMs)) s: measured at \(seconds(decision.decidedMs)) s,"
                + " no verdict by the end"
        }
    }

    /// The call as one SVG document: title and verdict, spectrogram with every judged tone track, the frame strip,
    /// a time axis in seconds, a frequency axis in Hz, and the decisions listed in words.
    /// - Parameters:
    ///   - title: the heading, typically the file (and stream) inspected.
    ///   - labelledBeepMs: where a label says the beep is, as stream milliseconds from its onset to its end; drawn
    ///     as a shaded band, so a miss or an early alarm shows against the truth.
    public func svg(title: String, labelledBeepMs: ClosedRange<Int64>? = nil) -> String {
        let height = Layout.axisTop + Layout.axisHeight + 24 + Double(max(1, decisions.count)) * Layout.listLineHeight
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Layout.width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(Layout.width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" \
            font-size="13">
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        let verdict = decisions.first { if case .beep = $0.verdict { true } else { false } }
        svg += text(x: Layout.left, y: 24, title, size: 17, weight: "bold")
        let rate = "\(sampleRate) Hz, \(Self.seconds(durationMs)) s"
        svg += text(
            x: Layout.left, y: 46,
            "\(rate) — " + (verdict.map(Self.summary) ?? "no beep reported")
                + " — \(decisions.count) tone track\(decisions.count == 1 ? "" : "s") judged",
            fill: verdict == nil ? "#444" : "#0a7d33")
        svg += legend(y: 64)
        svg += spectrogramImage()
        if let labelledBeepMs { svg += labelBand(labelledBeepMs) }
        svg += frequencyAxis()
        svg += tracks()
        svg += strip()
        svg += timeAxis()
        svg += decisionList(top: Layout.axisTop + Layout.axisHeight + 12)
        svg += "</svg>\n"
        return svg
    }

    /// x of a stream time, in SVG pixels.
    private func x(ms: Int64) -> Double {
        Layout.left + Layout.plotWidth * Double(ms) / Double(max(1, durationMs))
    }

    /// y of a frequency on the spectrogram, in SVG pixels.
    private func y(hz: Double) -> Double {
        let share = min(1, max(0, hz / max(1, topFrequencyHz)))
        return Layout.spectrogramTop + Layout.spectrogramHeight * (1 - share)
    }

    private func legend(y: Double) -> String {
        var out = ""
        var at = Layout.left
        let items: [(String, String)] =
            [
                ("silence", Self.colour(.silence)), ("speech", Self.colour(.speech)), ("music", Self.colour(.music)),
                ("noise", Self.colour(.noise)), ("tone", Self.colour(.tone)),
            ]
        out += text(x: at, y: y, "line:", size: 12, fill: "#555")
        at += 34
        for (name, fill) in items {
            out +=
                "<rect x=\"\(at)\" y=\"\(y - 10)\" width=\"12\" height=\"12\" fill=\"\(fill)\" stroke=\"#888\" "
                + "stroke-width=\"0.5\"/>\n"
            out += text(x: at + 16, y: y, name, size: 12, fill: "#333")
            at += 24 + Double(name.count) * 7.5
        }
        at += 24
        out += text(x: at, y: y, "tone tracks:", size: 12, fill: "#555")
        at += 80
        let verdicts: [(String, ToneDecision.Verdict)] =
            [
                ("beep", .beep(confidence: 1)), ("rejected", .rejected(reason: "", detail: 0)),
                ("no verdict", .undecided),
            ]
        for (name, verdict) in verdicts {
            out +=
                "<line x1=\"\(at)\" y1=\"\(y - 4)\" x2=\"\(at + 18)\" y2=\"\(y - 4)\" "
                + "stroke=\"\(Self.colour(verdict))\" stroke-width=\"4\"/>\n"
            out += text(x: at + 22, y: y, name, size: 12, fill: "#333")
            at += 36 + Double(name.count) * 7.5
        }
        return out
    }

    private func spectrogramImage() -> String {
        guard !spectrogram.isEmpty, spectrogramRows > 0 else { return "" }
        let loudest = spectrogram.lazy.compactMap { $0.max() }.max() ?? 0
        let top = min(0, max(-50, loudest))
        let bottom = top - Self.levelRangeDb
        let palette = Self.palette
        var pixels = [UInt8](repeating: 0, count: spectrogram.count * spectrogramRows)
        for (column, levels) in spectrogram.enumerated() {
            for row in 0..<spectrogramRows {
                let share = (levels[row] - bottom) / (top - bottom)
                let index = UInt8(max(0, min(Float(palette.count - 1), (share * Float(palette.count - 1)).rounded())))
                // Image rows run top down; row 0 of a column is 0 Hz.
                pixels[(spectrogramRows - 1 - row) * spectrogram.count + column] = index
            }
        }
        let png = IndexedPNG(width: spectrogram.count, height: spectrogramRows, palette: palette, pixels: pixels)
        let encoded = Data(png.bytes).base64EncodedString()
        let width = Layout.plotWidth * Double(spectrogram.count * columnMs) / Double(max(1, durationMs))
        return "<image x=\"\(Layout.left)\" y=\"\(Layout.spectrogramTop)\" width=\"\(width.fixed(1))\" "
            + "height=\"\(Layout.spectrogramHeight)\" preserveAspectRatio=\"none\" "
            + "style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(encoded)\"/>\n"
            + "<rect x=\"\(Layout.left)\" y=\"\(Layout.spectrogramTop)\" width=\"\(Layout.plotWidth)\" "
            + "height=\"\(Layout.spectrogramHeight)\" fill=\"none\" stroke=\"#333\"/>\n"
    }

    /// A dark-to-bright palette (black, purple, red, orange, pale yellow) of 256 colours: quiet is dark, loud bright.
    static let palette: [(UInt8, UInt8, UInt8)] = {
        let anchors: [(Double, Double, Double)] = [
            (0, 0, 4), (28, 16, 68), (79, 18, 123), (129, 37, 129), (181, 54, 122), (229, 80, 100), (251, 135, 97),
            (254, 194, 135), (252, 253, 191),
        ]
        return (0..<256).map { index in
            let position = Double(index) / 255 * Double(anchors.count - 1)
            let low = min(anchors.count - 2, Int(position))
            let t = position - Double(low)
            func mix(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * t).rounded()) }
            return (
                mix(anchors[low].0, anchors[low + 1].0), mix(anchors[low].1, anchors[low + 1].1),
                mix(anchors[low].2, anchors[low + 1].2)
            )
        }
    }()

    /// A translucent band over the spectrogram and strip where the label puts the beep.
    private func labelBand(_ range: ClosedRange<Int64>) -> String {
        let x0 = x(ms: range.lowerBound)
        let width = max(2, x(ms: range.upperBound) - x0)
        return "<rect x=\"\(x0.fixed(1))\" y=\"\(Layout.spectrogramTop)\" width=\"\(width.fixed(1))\" "
            + "height=\"\(Layout.axisTop - Layout.spectrogramTop)\" fill=\"#4dabf7\" fill-opacity=\"0.25\" "
            + "stroke=\"#4dabf7\" stroke-width=\"1.5\"/>\n"
            + text(
                x: x0 + width / 2, y: Layout.spectrogramTop + Layout.spectrogramHeight - 8, "labelled beep", size: 12,
                fill: "#a5d8ff", weight: "bold", anchor: "middle", halo: true)
    }

    private func frequencyAxis() -> String {
        let step = topFrequencyHz > 4500 ? 1000.0 : 500.0
        var out = text(
            x: 16, y: Layout.spectrogramTop + Layout.spectrogramHeight / 2, "frequency (Hz)", size: 12, fill: "#333",
            rotate: true)
        var hz = 0.0
        while hz <= topFrequencyHz + 1 {
            let at = y(hz: hz)
            out +=
                "<line x1=\"\(Layout.left - 5)\" y1=\"\(at.fixed(1))\" x2=\"\(Layout.left)\" "
                + "y2=\"\(at.fixed(1))\" stroke=\"#333\"/>\n"
            out += text(x: Layout.left - 8, y: at + 4, "\(Int(hz))", size: 11, fill: "#333", anchor: "end")
            hz += step
        }
        return out
    }

    private func timeAxis() -> String {
        let seconds = Double(durationMs) / 1000
        let step = [0.5, 1, 2, 5, 10, 20, 30, 60].first { seconds / $0 <= 20 } ?? 120
        var out = ""
        var t = 0.0
        let baseline = Layout.axisTop
        while t <= seconds + 1e-9 {
            let at = x(ms: Int64((t * 1000).rounded()))
            out +=
                "<line x1=\"\(at.fixed(1))\" y1=\"\(baseline)\" x2=\"\(at.fixed(1))\" y2=\"\(baseline + 5)\" "
                + "stroke=\"#333\"/>\n"
            let label = step < 1 ? t.fixed(1) : "\(Int(t))"
            out += text(x: at, y: baseline + 18, label, size: 11, fill: "#333", anchor: "middle")
            t += step
        }
        out += text(
            x: Layout.left + Layout.plotWidth / 2, y: baseline + 34, "time (s)", size: 12, fill: "#333",
            anchor: "middle")
        return out
    }

    private func strip() -> String {
        var out = text(x: Layout.left - 8, y: Layout.stripTop + 15, "line", size: 11, fill: "#333", anchor: "end")
        var start = 0
        while start < frames.count {
            var end = start + 1
            while end < frames.count, frames[end] == frames[start] { end += 1 }
            let x0 = x(ms: Int64(start * frameMs))
            let x1 = x(ms: Int64(end * frameMs))
            out +=
                "<rect x=\"\(x0.fixed(2))\" y=\"\(Layout.stripTop)\" width=\"\((max(0.5, x1 - x0)).fixed(2))\" "
                + "height=\"\(Layout.stripHeight)\" fill=\"\(Self.colour(frames[start]))\"><title>"
                + "\(frames[start]) \(Self.seconds(Int64(start * frameMs)))–\(Self.seconds(Int64(end * frameMs))) s"
                + "</title></rect>\n"
            start = end
        }
        out +=
            "<rect x=\"\(Layout.left)\" y=\"\(Layout.stripTop)\" width=\"\(Layout.plotWidth)\" "
            + "height=\"\(Layout.stripHeight)\" fill=\"none\" stroke=\"#333\"/>\n"
        return out
    }

    private func tracks() -> String {
        var out = ""
        let bottom = Layout.axisTop
        for (number, decision) in decisions.enumerated() {
            let colour = Self.colour(decision.verdict)
            let x0 = x(ms: decision.onsetMs)
            let x1 = max(x0 + 3, x(ms: decision.decidedMs))
            let at = y(hz: decision.frequencyHz)
            if case .beep = decision.verdict {
                for (ms, label) in [(decision.onsetMs, "onset"), (decision.decidedMs, "detected")] {
                    let lineX = (x(ms: ms)).fixed(1)
                    out +=
                        "<line x1=\"\(lineX)\" y1=\"\(Layout.spectrogramTop)\" x2=\"\(lineX)\" y2=\"\(bottom)\" "
                        + "stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
                    out += text(
                        x: x(ms: ms) + (label == "onset" ? -4 : 4), y: Layout.spectrogramTop + 14,
                        "\(label) \(Self.seconds(ms)) s", size: 12, fill: colour, weight: "bold",
                        anchor: label == "onset" ? "end" : "start", halo: true)
                }
            }
            out +=
                "<line x1=\"\(x0.fixed(1))\" y1=\"\(at.fixed(1))\" x2=\"\(x1.fixed(1))\" "
                + "y2=\"\(at.fixed(1))\" stroke=\"#000\" stroke-width=\"6\" stroke-linecap=\"round\"/>\n"
            out +=
                "<line x1=\"\(x0.fixed(1))\" y1=\"\(at.fixed(1))\" x2=\"\(x1.fixed(1))\" "
                + "y2=\"\(at.fixed(1))\" stroke=\"\(colour)\" stroke-width=\"3.5\" stroke-linecap=\"round\">"
                + "<title>\(escape(Self.summary(decision)))</title></line>\n"
            out += text(
                x: x0, y: at - 7, "\(number + 1)", size: 12, fill: colour, weight: "bold", anchor: "middle",
                halo: true)
        }
        return out
    }

    private func decisionList(top: Double) -> String {
        var out = text(x: Layout.left, y: top, "Tone tracks the detector judged", size: 13, weight: "bold")
        guard !decisions.isEmpty else {
            return out + text(x: Layout.left, y: top + Layout.listLineHeight, "none", size: 12, fill: "#555")
        }
        for (number, decision) in decisions.enumerated() {
            let lineY = top + Double(number + 1) * Layout.listLineHeight
            out +=
                "<rect x=\"\(Layout.left)\" y=\"\((lineY - 10).fixed(1))\" width=\"12\" height=\"12\" "
                + "fill=\"\(Self.colour(decision.verdict))\" stroke=\"#555\" stroke-width=\"0.5\"/>\n"
            out += text(x: Layout.left + 18, y: lineY, "\(number + 1). \(Self.summary(decision))", size: 12)
        }
        return out
    }

    /// One `<text>` element, escaped; `halo` draws a dark outline under it, readable over the spectrogram.
    private func text(
        x: Double, y: Double, _ content: String, size: Int = 13, fill: String = "#111", weight: String = "normal",
        anchor: String = "start", rotate: Bool = false, halo: Bool = false
    ) -> String {
        let transform = rotate ? " transform=\"rotate(-90 \(x.fixed(1)) \(y.fixed(1)))\"" : ""
        let outline = halo ? " stroke=\"#000\" stroke-width=\"3\" paint-order=\"stroke\"" : ""
        return "<text x=\"\(x.fixed(1))\" y=\"\(y.fixed(1))\" font-size=\"\(size)\" fill=\"\(fill)\" "
            + "font-weight=\"\(weight)\" text-anchor=\"\(anchor)\"\(transform)\(outline)>\(escape(content))</text>\n"
    }

    /// Milliseconds as seconds with two decimals.
    static func seconds(_ ms: Int64) -> String { (Double(ms) / 1000).fixed(2) }
}

/// `text` with the characters XML and HTML reserve replaced by entities.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
