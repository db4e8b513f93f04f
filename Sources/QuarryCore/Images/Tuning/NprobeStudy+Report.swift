import Foundation

extension NprobeStudy {
    /// The study as Markdown: a summary, one table row per nprobe, the category precision when measured,
    /// and the chart (`report.svg`, written beside it by ``write(to:)``).
    public func markdown() -> String {
        var lines = ["# nprobe study: \(collection)", "", summary(), ""]
        lines.append("| nprobe | recall@\(k) | mean ms | p95 ms | speed-up vs exact |")
        lines.append("|---:|---:|---:|---:|---:|")
        if let exact {
            lines.append(
                "| exact (Flat) | \(Self.fixed(exact.recall, 3)) | \(Self.milliseconds(exact.meanMilliseconds)) | "
                    + "\(Self.milliseconds(exact.p95Milliseconds)) | 1.0× |")
        }
        for measurement in measurements {
            let label = measurement.nprobe == chosenNprobe ? "**\(measurement.nprobe)** (chosen)" : "\(measurement.nprobe)"
            lines.append(
                "| \(label) | \(Self.fixed(measurement.recall, 3)) | \(Self.milliseconds(measurement.meanMilliseconds)) | "
                    + "\(Self.milliseconds(measurement.p95Milliseconds)) | \(speedUp(measurement).map { Self.fixed($0, 1) + "×" } ?? "–") |")
        }
        if let precision = categoryPrecision {
            lines += [
                "", "## Category precision", "",
                "Leave-one-out same-category precision@\(precision.k) over \(Self.grouped(precision.queries)) stored items "
                    + "(each item is a query, itself excluded): exact (Flat) \(Self.fixed(precision.flat, 3)), "
                    + "IVF at nprobe \(precision.nprobe) \(Self.fixed(precision.ivf, 3)).",
            ]
        }
        lines += [
            "", "![recall and latency against nprobe](report.svg)", "",
            "Measured on \(machine), \(ISO8601DateFormatter().string(from: date)).",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The study as pretty-printed JSON with sorted snake_case keys and an ISO-8601 date.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Writes `report.md`, `report.json` and `report.svg` into `folder` (created if missing), each atomically.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Data(markdown().utf8), to: folder.appendingPathComponent("report.md"))
        try AtomicFile.write(jsonData(), to: folder.appendingPathComponent("report.json"))
        try AtomicFile.write(Data(svgChart().utf8), to: folder.appendingPathComponent("report.svg"))
    }

    private func summary() -> String {
        var text =
            "Collection `\(collection)` holds \(Self.grouped(vectors)) vectors; its index is `\(factory)` (nlist \(nlist)). "
            + "Each nprobe was measured with \(Self.grouped(queries)) queries, recall@\(k) counted against exact search; "
            + "the target recall is \(Self.fixed(targetRecall, 2)). "
        if let chosen {
            text +=
                "The smallest nprobe reaching it is **\(chosen.nprobe)**: recall \(Self.fixed(chosen.recall, 3)) "
                + "at \(Self.milliseconds(chosen.meanMilliseconds)) ms mean (p95 \(Self.milliseconds(chosen.p95Milliseconds)) ms)"
            if let exact, let speedUp = speedUp(chosen) {
                text += ", \(Self.fixed(speedUp, 1))× faster than exact search (\(Self.milliseconds(exact.meanMilliseconds)) ms mean)."
            } else {
                text += "."
            }
        } else if let best = measurements.max(by: { $0.recall < $1.recall }) {
            text += "No nprobe reached it; the best was nprobe \(best.nprobe) with recall \(Self.fixed(best.recall, 3))."
        } else {
            text += "No nprobe was measured."
        }
        return text
    }

    private func speedUp(_ measurement: Measurement) -> Double? {
        guard let exact, measurement.meanMilliseconds > 0 else { return nil }
        return exact.meanMilliseconds / measurement.meanMilliseconds
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "–"
    }

    /// An integer with thousands separators: 70,000.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }

    /// Milliseconds with three significant digits or more: 0.412, 4.12, 41.2.
    static func milliseconds(_ value: Double) -> String {
        fixed(value, value < 1 ? 3 : value < 10 ? 2 : 1)
    }
}

// MARK: - Chart

extension NprobeStudy {
    /// A self-contained SVG line chart (720×420): recall (left axis, 0–1) and mean latency (right axis, ms)
    /// against nprobe on a log₂ axis, with the target recall dashed and the chosen nprobe marked.
    public func svgChart() -> String {
        var chart = SVGChart(study: self)
        return chart.render()
    }
}

/// Draws ``NprobeStudy/svgChart()``.
private struct SVGChart {
    let study: NprobeStudy
    var parts: [String] = []

    static let width = 720.0, height = 420.0
    static let left = 70.0, right = 646.0, top = 86.0, bottom = 352.0
    static let recallColour = "#1f6fb4", latencyColour = "#e0661b", targetColour = "#5a5a5a", chosenColour = "#2a9d4b"

    init(study: NprobeStudy) {
        self.study = study
    }

    mutating func render() -> String {
        let points = study.measurements.filter { $0.nprobe > 0 }.sorted { $0.nprobe < $1.nprobe }
        let xScale = LogScale(nprobes: points.map(\.nprobe))
        let latency = LinearTicks(maximum: points.map(\.meanMilliseconds).filter(\.isFinite).max() ?? 0)
        let recallLabel = "recall@\(study.k)"
        let title = "nprobe sweep: \(study.collection)"

        add(##"<rect width="100%" height="100%" fill="#ffffff"/>"##)
        add(Self.text(title, x: Self.left, y: 28, attributes: ##"font-size="17" font-weight="bold" fill="#222""##))
        var subtitle = "\(study.factory) · \(NprobeStudy.grouped(study.vectors)) vectors · \(NprobeStudy.grouped(study.queries)) queries"
        if let exact = study.exact {
            subtitle += " · exact search \(NprobeStudy.milliseconds(exact.meanMilliseconds)) ms mean"
        }
        add(Self.text(subtitle, x: Self.left, y: 48, attributes: ##"font-size="12" fill="#555""##))
        legend(recallLabel: recallLabel)

        // Grid and left axis (recall).
        for step in 0...5 {
            let recall = Double(step) / 5
            let y = recallY(recall)
            add(Self.line(Self.left, y, Self.right, y, attributes: ##"stroke="#e4e4e4" stroke-width="1""##))
            add(Self.text(NprobeStudy.fixed(recall, 1), x: Self.left - 8, y: y + 4, attributes: ##"font-size="11" fill="#444" text-anchor="end""##))
        }
        // Right axis (latency).
        for tick in latency.ticks {
            let y = latency.y(tick, top: Self.top, bottom: Self.bottom)
            add(Self.line(Self.right, y, Self.right + 4, y, attributes: ##"stroke="#888""##))
            add(Self.text(latency.label(tick), x: Self.right + 8, y: y + 4, attributes: ##"font-size="11" fill="#444""##))
        }
        // X axis: a tick at each measured nprobe, labels that would overlap left out.
        var lastLabelX = -Double.infinity
        for point in points {
            let x = xScale.x(point.nprobe, left: Self.left, right: Self.right)
            add(Self.line(x, Self.top, x, Self.bottom, attributes: ##"stroke="#f0f0f0" stroke-width="1""##))
            add(Self.line(x, Self.bottom, x, Self.bottom + 5, attributes: ##"stroke="#888""##))
            let label = String(point.nprobe)
            if x - lastLabelX >= Double(label.count) * 7 + 6 {
                add(Self.text(label, x: x, y: Self.bottom + 19, attributes: ##"font-size="11" fill="#444" text-anchor="middle""##))
                lastLabelX = x
            }
        }
        add(
            ##"<rect x="\##(Self.number(Self.left))" y="\##(Self.number(Self.top))" width="\##(Self.number(Self.right - Self.left))" "##
                + ##"height="\##(Self.number(Self.bottom - Self.top))" fill="none" stroke="#888" stroke-width="1"/>"##)
        add(
            Self.text(
                "nprobe (log₂ scale)", x: (Self.left + Self.right) / 2, y: Self.bottom + 44,
                attributes: ##"font-size="13" fill="#222" text-anchor="middle""##))
        add(
            Self.text(
                recallLabel, x: 22, y: (Self.top + Self.bottom) / 2,
                attributes:
                    ##"font-size="13" fill="\##(Self.recallColour)" text-anchor="middle" transform="rotate(-90 22 \##(Self.number((Self.top + Self.bottom) / 2)))""##
            ))
        let rightLabelX = Self.width - 18
        add(
            Self.text(
                "mean latency (ms)", x: rightLabelX, y: (Self.top + Self.bottom) / 2,
                attributes:
                    ##"font-size="13" fill="\##(Self.latencyColour)" text-anchor="middle" transform="rotate(90 \##(Self.number(rightLabelX)) \##(Self.number((Self.top + Self.bottom) / 2)))""##
            ))

        // Target recall.
        let targetY = recallY(study.targetRecall)
        add(
            ##"<line id="target-recall" x1="\##(Self.number(Self.left))" y1="\##(Self.number(targetY))" x2="\##(Self.number(Self.right))" "##
                + ##"y2="\##(Self.number(targetY))" stroke="\##(Self.targetColour)" stroke-width="1.5" stroke-dasharray="6 4"/>"##)

        guard !points.isEmpty else {
            add(
                Self.text(
                    "no measurements", x: (Self.left + Self.right) / 2, y: (Self.top + Self.bottom) / 2,
                    attributes: ##"font-size="14" fill="#888" text-anchor="middle""##))
            return document(title: title)
        }

        // The chosen nprobe, under the curves.
        let chosen = study.chosen
        if let chosen {
            let x = xScale.x(chosen.nprobe, left: Self.left, right: Self.right)
            add(Self.line(x, Self.top, x, Self.bottom, attributes: ##"stroke="\##(Self.chosenColour)" stroke-width="1.5" stroke-dasharray="2 3""##))
        }

        let recallPoints = points.map { (xScale.x($0.nprobe, left: Self.left, right: Self.right), recallY($0.recall)) }
        let latencyPoints = points.map {
            (xScale.x($0.nprobe, left: Self.left, right: Self.right), latency.y($0.meanMilliseconds, top: Self.top, bottom: Self.bottom))
        }
        add(Self.polyline(id: "latency", latencyPoints, colour: Self.latencyColour))
        for (x, y) in latencyPoints {
            add(##"<rect x="\##(Self.number(x - 3.5))" y="\##(Self.number(y - 3.5))" width="7" height="7" fill="\##(Self.latencyColour)"/>"##)
        }
        add(Self.polyline(id: "recall", recallPoints, colour: Self.recallColour))
        for (x, y) in recallPoints {
            add(##"<circle cx="\##(Self.number(x))" cy="\##(Self.number(y))" r="4" fill="\##(Self.recallColour)"/>"##)
        }

        if let chosen {
            let x = xScale.x(chosen.nprobe, left: Self.left, right: Self.right)
            let y = recallY(chosen.recall)
            add(
                ##"<circle id="chosen-nprobe" cx="\##(Self.number(x))" cy="\##(Self.number(y))" r="8" fill="none" "##
                    + ##"stroke="\##(Self.chosenColour)" stroke-width="2.5"/>"##)
            // The label sits beside the dotted line, halfway between the two curves, where neither runs.
            let middle = (y + latency.y(chosen.meanMilliseconds, top: Self.top, bottom: Self.bottom)) / 2
            let anchorEnd = x > (Self.left + Self.right) / 2
            let style =
                ##"fill="\##(Self.chosenColour)" text-anchor="\##(anchorEnd ? "end" : "start")" "##
                + ##"stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke""##
            let labelX = anchorEnd ? x - 8 : x + 8
            add(Self.text("nprobe \(chosen.nprobe)", x: labelX, y: middle - 4, attributes: ##"font-size="13" font-weight="bold" "## + style))
            add(
                Self.text(
                    "recall \(NprobeStudy.fixed(chosen.recall, 3)) · \(NprobeStudy.milliseconds(chosen.meanMilliseconds)) ms",
                    x: labelX, y: middle + 12, attributes: ##"font-size="12" "## + style
                ))
        }
        return document(title: title)
    }

    private mutating func legend(recallLabel: String) {
        let y = 70.0
        typealias Sample = (_ x: Double) -> String
        var entries: [(label: String, sample: Sample)] = [
            (
                recallLabel,
                { x in
                    Self.line(x, y, x + 24, y, attributes: ##"stroke="\##(Self.recallColour)" stroke-width="2.5""##)
                        + ##"<circle cx="\##(Self.number(x + 12))" cy="\##(Self.number(y))" r="4" fill="\##(Self.recallColour)"/>"##
                }
            ),
            (
                "mean latency",
                { x in
                    Self.line(x, y, x + 24, y, attributes: ##"stroke="\##(Self.latencyColour)" stroke-width="2.5""##)
                        + ##"<rect x="\##(Self.number(x + 8.5))" y="\##(Self.number(y - 3.5))" width="7" height="7" fill="\##(Self.latencyColour)"/>"##
                }
            ),
            (
                "target recall \(NprobeStudy.fixed(study.targetRecall, 2))",
                { x in
                    Self.line(x, y, x + 24, y, attributes: ##"stroke="\##(Self.targetColour)" stroke-width="1.5" stroke-dasharray="6 4""##)
                }
            ),
        ]
        if let nprobe = study.chosenNprobe {
            entries.append(
                (
                    "chosen nprobe \(nprobe)",
                    { x in
                        ##"<circle cx="\##(Self.number(x + 12))" cy="\##(Self.number(y))" r="6" fill="none" stroke="\##(Self.chosenColour)" stroke-width="2.5"/>"##
                    }
                ))
        }
        var x = Self.left
        for (label, sample) in entries {
            add(sample(x))
            add(Self.text(label, x: x + 30, y: y + 4, attributes: ##"font-size="12" fill="#333""##))
            x += 30 + Double(label.count) * 5.9 + 22
        }
    }

    private func recallY(_ recall: Double) -> Double {
        let clamped = recall.isFinite ? min(max(recall, 0), 1) : 0
        return Self.bottom - clamped * (Self.bottom - Self.top)
    }

    private func document(title: String) -> String {
        let (width, height) = (Int(Self.width), Int(Self.height))
        let header =
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" "##
            + ##"font-family="DejaVu Sans, Helvetica, Arial, sans-serif" role="img">"##
        return ([header, "<title>\(Self.escape(title))</title>"] + parts + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    private mutating func add(_ element: String) {
        parts.append(element)
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, attributes: String) -> String {
        ##"<line x1="\##(Self.number(x1))" y1="\##(Self.number(y1))" x2="\##(Self.number(x2))" y2="\##(Self.number(y2))" \##(attributes)/>"##
    }

    private static func text(_ content: String, x: Double, y: Double, attributes: String) -> String {
        ##"<text x="\##(Self.number(x))" y="\##(Self.number(y))" \##(attributes)>\##(Self.escape(content))</text>"##
    }

    private static func polyline(id: String, _ points: [(Double, Double)], colour: String) -> String {
        let coordinates = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        return ##"<polyline id="\##(id)" points="\##(coordinates)" fill="none" stroke="\##(colour)" stroke-width="2.5" "##
            + ##"stroke-linejoin="round" stroke-linecap="round"/>"##
    }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value.isFinite ? value : 0)
    }

    /// Escapes text for XML character data and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// Maps nprobe to x on a log₂ scale spanning the measured values, with a little room at either end.
private struct LogScale {
    let low: Double, high: Double

    init(nprobes: [Int]) {
        var low = nprobes.min().map { log2(Double($0)) } ?? 0
        var high = nprobes.max().map { log2(Double($0)) } ?? 1
        if high - low < 1e-9 {
            low -= 1
            high += 1
        }
        let padding = (high - low) * 0.04
        self.low = low - padding
        self.high = high + padding
    }

    func x(_ nprobe: Int, left: Double, right: Double) -> Double {
        left + (log2(Double(max(nprobe, 1))) - low) / (high - low) * (right - left)
    }
}

/// A 0-based linear axis with about five round ticks (steps of 1, 2 or 5 × 10ⁿ) covering `maximum`.
private struct LinearTicks {
    let step: Double, top: Double

    init(maximum: Double) {
        guard maximum > 0 else {
            step = 0.2
            top = 1
            return
        }
        let rough = maximum / 5
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
        top = (maximum / step).rounded(.up) * step
    }

    var ticks: [Double] {
        (0...Int((top / step).rounded())).map { Double($0) * step }
    }

    func y(_ value: Double, top plotTop: Double, bottom plotBottom: Double) -> Double {
        let clamped = value.isFinite ? min(max(value, 0), top) : 0
        return plotBottom - clamped / top * (plotBottom - plotTop)
    }

    func label(_ value: Double) -> String {
        String(format: "%.\(max(0, Int(-floor(log10(step)))))f", value)
    }
}
