public import AMDCore
import FoundationEssentials

extension Evaluation {
    /// Width of one latency histogram bin, in milliseconds.
    static let latencyBinMs = 50
    /// The charts' width, in SVG pixels.
    static let chartWidth = 720.0

    /// Writes the evaluation as a self-contained web page, `folder/index.html` (inline CSS and SVG, nothing fetched
    /// and no script), and the ``CallInspection`` picture of every miss, early alarm and false alarm as
    /// `folder/calls/<id>.svg`, which the page links to.
    ///
    /// The page shows the summary table, false alarms per kind of call as bars, a histogram of hit latency, and
    /// the list of calls scored wrong. Returns the pictures' paths.
    /// - Parameters:
    ///   - folder: where to write; created if missing.
    ///   - manifest: the manifest the evaluation ran on; the calls' files are relative to its folder.
    ///   - model: the model the evaluation ran with, to draw the pictures with the same detector.
    /// - Throws: ``OfflineError/unreadable(path:reason:)`` when a file cannot be written; a call whose picture
    ///   cannot be drawn gets a note on the page instead.
    @discardableResult
    public func writeHTMLReport(
        folder: String, manifest: String, model: ValidatedModel
    ) throws(OfflineError) -> [String] {
        let calls = folder + "/calls"
        do {
            try FileManager.default.createDirectory(atPath: calls, withIntermediateDirectories: true)
        } catch {
            throw .unreadable(path: calls, reason: "cannot create the folder: \(error)")
        }
        let base = manifest.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var pictures: [String: String] = [:]
        var written: [String] = []
        for result in wrongResults {
            let name = Self.pictureName(result.entry)
            let path = calls + "/" + name
            let entryFile = result.entry.file
            let file = entryFile.hasPrefix("/") || base.isEmpty ? entryFile : base + "/" + entryFile
            do {
                let inspection = try CallInspection.load(path: file, model: model)
                let title =
                    "\(result.entry.id ?? result.entry.file) — \(result.entry.kind), "
                    + "\(Self.outcomeName(result.outcome))"
                var labelled: ClosedRange<Int64>?
                if let onset = result.entry.beepOnsetS, let end = result.entry.beepEndS, end >= onset {
                    labelled = Int64((onset * 1000).rounded())...Int64((end * 1000).rounded())
                }
                try Self.write(inspection.svg(title: title, labelledBeepMs: labelled), to: path)
                pictures[name] = "calls/" + name
                written.append(path)
            } catch {
                // The page says "not drawn" for it; the report is still worth having.
                pictures[name] = nil
            }
        }
        try Self.write(html(pictures: pictures, manifest: manifest), to: folder + "/index.html")
        return written
    }

    /// The results scored wrong, in manifest order: misses, early alarms and false alarms.
    var wrongResults: [CallResult] {
        results.filter { $0.outcome == .miss || $0.outcome == .early || $0.outcome == .falseAlarm }
    }

    /// The page, given each wrong call's picture path (relative to the page) by ``pictureName(_:)``.
    func html(pictures: [String: String], manifest: String) -> String {
        let s = summary
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>amd-edge evaluation — \(escape(manifest))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <h1>amd-edge evaluation</h1>
            <p class="sub">Manifest <code>\(escape(manifest))</code> · \(s.calls) calls (\(s.beepCalls) with a beep, \
            \(s.nonBeepCalls) without)</p>

            """
        page += summaryTable(s)
        page += """
            <section id="answer-confusion">
            <h2>Answer decisions</h2>
            <p class="note">The answer confusion table (human, machine, unknown against the labels) appears here once \
            the detector reports answer decisions.</p>
            </section>

            """
        page += "<section id=\"false-alarms\">\n<h2>False alarms by kind of call</h2>\n"
        page += falseAlarmBars(s) + "</section>\n"
        page += "<section id=\"latency\">\n<h2>Detection latency of hits</h2>\n"
        page += latencyHistogram() + "</section>\n"
        page += wrongList(pictures: pictures)
        if !failures.isEmpty {
            page += "<section id=\"failures\">\n<h2>Calls that could not be read</h2>\n<ul>\n"
            for failure in failures { page += "<li><code>\(escape(failure))</code></li>\n" }
            page += "</ul>\n</section>\n"
        }
        page += "</body>\n</html>\n"
        return page
    }

    private func summaryTable(_ s: Summary) -> String {
        func pct(_ value: Double) -> String { (value * 100).fixed(2) + " %" }
        func ms(_ value: Double?) -> String { value.map { ($0).fixed(0) + " ms" } ?? "n/a" }
        func hz(_ value: Double?) -> String { value.map { ($0).fixed(1) + " Hz" } ?? "n/a" }
        let rows: [(String, String, String)] = [
            ("Recall", pct(s.recall), "beep calls whose first beep came within [onset, end + 2 s]"),
            ("Early false alarms", pct(s.earlyFalseAlarmRate), "beep calls whose first beep came before the onset"),
            ("False alarms", pct(s.falseAlarmRate), "calls without a beep that got one"),
            (
                "Latency", "median \(ms(s.latencyMedianMs)), p95 \(ms(s.latencyP95Ms))",
                "detection time after the true onset; max \(ms(s.latencyMaxMs))"
            ),
            (
                "Frequency error", "median \(hz(s.frequencyErrorMedianHz)), p95 \(hz(s.frequencyErrorP95Hz))",
                "reported frequency against the nearest true one"
            ),
            ("Throughput", s.realTimeFactor.fixed(0) + "× real time", "audio seconds per CPU second"),
        ]
        var out = "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n"
        for (name, value, note) in rows {
            out +=
                "<tr><th>\(name)</th><td class=\"num\">\(escape(value))</td>"
                + "<td class=\"note\">\(escape(note))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    private func falseAlarmBars(_ s: Summary) -> String {
        let kinds = s.falseAlarmsByKind.keys.sorted()
        guard !kinds.isEmpty else { return "<p class=\"note\">No calls without a beep.</p>\n" }
        let rowHeight = 24.0
        let labelWidth = 150.0
        let barSpace = Self.chartWidth - labelWidth - 110
        let height = Double(kinds.count) * rowHeight + 30
        let top = max(0.05, kinds.compactMap { s.falseAlarmsByKind[$0]?.rate }.max() ?? 0)
        var svg =
            "<svg class=\"chart\" width=\"\(Int(Self.chartWidth))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(Self.chartWidth)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"False-alarm rate per kind of call\">\n"
        for (index, kind) in kinds.enumerated() {
            guard let rate = s.falseAlarmsByKind[kind] else { continue }
            let y = Double(index) * rowHeight
            let width = barSpace * rate.rate / top
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\((y + 16).fixed(1))\" text-anchor=\"end\">"
                + "\(escape(kind))</text>\n"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\((y + 4).fixed(1))\" width=\"\(barSpace.fixed(1))\" "
                + "height=\"16\" fill=\"#f1f3f5\"/>\n"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\((y + 4).fixed(1))\" width=\"\((max(0, width)).fixed(1))\" "
                + "height=\"16\" fill=\"\(rate.falseAlarms == 0 ? "#adb5bd" : "#e03131")\"/>\n"
            svg +=
                "<text x=\"\((labelWidth + barSpace + 8).fixed(1))\" y=\"\((y + 16).fixed(1))\">"
                + "\((rate.rate * 100).fixed(1)) % (\(rate.falseAlarms)/\(rate.calls))</text>\n"
        }
        let axisY = Double(kinds.count) * rowHeight + 4
        svg +=
            "<line x1=\"\(labelWidth)\" y1=\"\(axisY)\" x2=\"\((labelWidth + barSpace).fixed(1))\" y2=\"\(axisY)\" "
            + "stroke=\"#495057\"/>\n"
        for step in 0...4 {
            let share = Double(step) / 4
            let x = labelWidth + barSpace * share
            svg +=
                "<text x=\"\(x.fixed(1))\" y=\"\((axisY + 16).fixed(1))\" text-anchor=\"middle\" class=\"tick\">"
                + "\((top * share * 100).fixed(1)) %</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func latencyHistogram() -> String {
        let latencies = results.compactMap(\.latencyMs)
        guard let longest = latencies.max() else { return "<p class=\"note\">No hits.</p>\n" }
        let bin = Int64(Self.latencyBinMs)
        let binCount = Int(longest / bin) + 1
        var counts = [Int](repeating: 0, count: binCount)
        for latency in latencies { counts[Int(max(0, latency) / bin)] += 1 }
        let left = 50.0
        let plotWidth = Self.chartWidth - left - 20
        let plotHeight = 200.0
        let top = 10.0
        let tallest = max(1, counts.max() ?? 1)
        var svg =
            "<svg class=\"chart\" width=\"\(Int(Self.chartWidth))\" height=\"\(Int(plotHeight + 60))\" "
            + "viewBox=\"0 0 \(Int(Self.chartWidth)) \(Int(plotHeight + 60))\" role=\"img\" "
            + "aria-label=\"Histogram of detection latency\">\n"
        let barWidth = plotWidth / Double(binCount)
        for (index, count) in counts.enumerated() where count > 0 {
            let height = plotHeight * Double(count) / Double(tallest)
            svg +=
                "<rect x=\"\((left + Double(index) * barWidth + 1).fixed(1))\" "
                + "y=\"\((top + plotHeight - height).fixed(1))\" width=\"\((max(1, barWidth - 2)).fixed(1))\" "
                + "height=\"\(height.fixed(1))\" fill=\"#1c7ed6\"><title>\(Int64(index) * bin)–"
                + "\(Int64(index + 1) * bin) ms: \(count) calls</title></rect>\n"
        }
        let baseline = top + plotHeight
        svg +=
            "<line x1=\"\(left)\" y1=\"\(baseline)\" x2=\"\((left + plotWidth).fixed(1))\" y2=\"\(baseline)\" "
            + "stroke=\"#495057\"/>\n<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(baseline)\" "
            + "stroke=\"#495057\"/>\n"
        let labelEvery = max(1, binCount / 10)
        for index in stride(from: 0, through: binCount, by: labelEvery) {
            let x = left + Double(index) * barWidth
            svg +=
                "<text x=\"\(x.fixed(1))\" y=\"\((baseline + 16).fixed(1))\" text-anchor=\"middle\" "
                + "class=\"tick\">\(Int64(index) * bin)</text>\n"
        }
        for step in 0...4 {
            let value = Double(tallest) * Double(step) / 4
            let y = baseline - plotHeight * Double(step) / 4
            svg +=
                "<text x=\"\(left - 6)\" y=\"\((y + 4).fixed(1))\" text-anchor=\"end\" class=\"tick\">"
                + "\(value.fixed(value.rounded() == value ? 0 : 1))</text>\n"
        }
        svg +=
            "<text x=\"\((left + plotWidth / 2).fixed(1))\" y=\"\((baseline + 38).fixed(1))\" "
            + "text-anchor=\"middle\">latency after the true onset (ms), \(Self.latencyBinMs) ms bins</text>\n"
        svg +=
            "<text x=\"12\" y=\"\((top + plotHeight / 2).fixed(1))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 12 \((top + plotHeight / 2).fixed(1)))\">calls</text>\n"
        return svg + "</svg>\n"
    }

    private func wrongList(pictures: [String: String]) -> String {
        let wrong = wrongResults
        var out = "<section id=\"wrong\">\n<h2>Misses, early alarms and false alarms (\(wrong.count))</h2>\n"
        guard !wrong.isEmpty else {
            return out + "<p class=\"note\">None: every call was scored right.</p>\n</section>\n"
        }
        out +=
            "<table class=\"calls\">\n<tr><th>Call</th><th>Kind</th><th>Outcome</th><th>True onset</th>"
            + "<th>First beep</th><th>Picture</th></tr>\n"
        for result in wrong {
            let entry = result.entry
            let onset = entry.beepOnsetS.map { ($0).fixed(2) + " s" } ?? "—"
            let first =
                result.first.map {
                    "detected \(CallInspection.seconds($0.detectedMs)) s (onset \(CallInspection.seconds($0.onsetMs)) s, "
                        + "\(Int($0.frequencyHz.rounded())) Hz)"
                } ?? "none"
            let picture = pictures[Self.pictureName(entry)]
            let link = picture.map { "<a href=\"\(escape($0))\">inspect</a>" } ?? "not drawn"
            out +=
                "<tr class=\"\(result.outcome.rawValue)\"><td><code>\(escape(entry.id ?? entry.file))</code></td>"
                + "<td>\(escape(entry.kind))</td><td><span class=\"badge\">\(Self.outcomeName(result.outcome))</span>"
                + "</td><td class=\"num\">\(onset)</td><td>\(escape(first))</td><td>\(link)</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    /// An outcome in words.
    static func outcomeName(_ outcome: Outcome) -> String {
        switch outcome {
        case .hit: "hit"
        case .early: "early alarm"
        case .miss: "miss"
        case .falseAlarm: "false alarm"
        case .correctReject: "correct reject"
        }
    }

    /// A call's picture file name: its id (or file) with anything but `A-Z a-z 0-9 - _ .` made `_`, and `.svg`.
    static func pictureName(_ entry: ManifestEntry) -> String {
        let name = (entry.id ?? entry.file).unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": Character(scalar)
            default: "_"
            }
        }
        return String(name) + ".svg"
    }

    private static func write(_ text: String, to path: String) throws(OfflineError) {
        do {
            try Data(text.utf8).write(to: URL(filePath: path))
        } catch {
            throw .unreadable(path: path, reason: "cannot write: \(error)")
        }
    }

    /// The page's style sheet, inline so that the page needs nothing else.
    static let css = """

        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #212529; margin: 2rem auto;
          max-width: 1000px; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #dee2e6; padding-bottom: 0.3rem; }
        .sub, .note { color: #495057; }
        code { font-size: 0.9em; background: #f1f3f5; padding: 0 0.25em; border-radius: 3px; }
        table { border-collapse: collapse; }
        th, td { text-align: left; padding: 0.35rem 0.7rem; border-bottom: 1px solid #e9ecef; vertical-align: top; }
        table.summary th { width: 11rem; }
        td.num { font-variant-numeric: tabular-nums; white-space: nowrap; font-weight: 600; }
        table.calls { width: 100%; font-size: 0.92rem; }
        table.calls tr:hover td { background: #f8f9fa; }
        .badge { display: inline-block; padding: 0 0.5em; border-radius: 0.8em; font-size: 0.85em; color: #fff;
          white-space: nowrap; }
        tr.miss .badge { background: #f08c00; }
        tr.early .badge { background: #ae3ec9; }
        tr.false_alarm .badge { background: #e03131; }
        svg.chart { display: block; font-size: 13px; font-family: inherit; }
        svg.chart .tick { font-size: 11px; fill: #495057; }
        a { color: #1c7ed6; }

        """
}
