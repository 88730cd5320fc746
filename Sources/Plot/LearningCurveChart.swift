/// Draws learning curves as SVG, written by hand: one panel per environment, a mean line and a ± std band per
/// algorithm, the published anchors as marks, axes with units, and a legend.
///
/// Every panel carries its data-to-pixel mapping (`data-x-domain`, `data-y-domain`, `data-plot-box`) and every
/// mean line its series (`data-series`), so that a reader (and the tests) can map the points back to data.
public struct LearningCurveChart {
    let series: [LearningCurves.Series]
    let anchors: [PublishedAnchor]

    /// A chart of `series` with `anchors` as reference marks.
    public init(series: [LearningCurves.Series], anchors: [PublishedAnchor]) {
        (self.series, self.anchors) = (series, anchors)
    }

    /// Panel size and margins, in pixels.
    static let panelWidth = 480.0, panelHeight = 360.0
    static let margin = (left: 72.0, right: 20.0, top: 36.0, bottom: 52.0)
    /// Each algorithm's colour, the same in every panel and figure.
    static let colors = [
        "mb-mpo": "#1f77b4", "me-trpo": "#d62728", "mb-mpc": "#2ca02c", "trpo": "#7f7f7f", "ppo": "#e377c2",
    ]
    /// Colours by position for series that are not one algorithm's default run (other timing, other settings).
    static let fallbackColors = ["#9467bd", "#8c564b", "#ff7f0e", "#17becf", "#bcbd22"]

    /// The environments in panel order: the paper's task order, then any other name.
    var environments: [String] {
        let paperOrder = ["half-cheetah", "ant", "walker2d", "hopper", "swimmer", "pr2"]
        let names = Set(series.map(\.environment))
        return paperOrder.filter(names.contains) + names.subtracting(paperOrder).sorted()
    }

    /// Panels per row.
    var columns: Int { min(3, max(1, environments.count)) }

    /// The whole SVG document. A panel whose legend would hide part of a curve wherever it stood inside the plot
    /// box has it below the box instead, and its row grows by the legend's height.
    public func svg() -> String {
        let rows = (environments.count + columns - 1) / columns
        let legends = environments.map { legendPlacement($0) }
        let extra = legends.map { $0.below ? $0.height + Self.legendGap : 0 }
        let rowHeights = (0..<max(rows, 1)).map { row in
            Self.panelHeight + (extra.indices.filter { $0 / columns == row }.map { extra[$0] }.max() ?? 0)
        }
        let rowTops = rowHeights.indices.map { row in rowHeights.prefix(row).reduce(0, +) }
        let width = Double(columns) * Self.panelWidth, height = rowHeights.reduce(0, +)
        var out = SVGWriter()
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                + "font-size=\"12\">")
        out.line("<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"white\"/>")
        for (index, environment) in environments.enumerated() {
            let origin = (x: Double(index % columns) * Self.panelWidth, y: rowTops[index / columns])
            panel(environment, origin: origin, legend: legends[index], into: &out)
        }
        out.line("</svg>")
        return out.text
    }

    /// Ratio of the largest to the smallest positive step beyond which the x axis is logarithmic (100: two decades;
    /// model-based runs span about one and a half).
    static let logarithmicSpan = 100.0

    /// The scales of a panel: x from 0 to the last step or anchor (logarithmic, by powers of ten, when the steps
    /// span more than ``logarithmicSpan``, as model-free curves do), y over every mean ± std
    /// and anchor.
    func scales(_ environment: String, origin: (x: Double, y: Double)) -> (x: AxisScale, y: AxisScale) {
        let curves = series.filter { $0.environment == environment }
        let marks = anchors.filter { $0.environment == environment }
        let xs = curves.flatMap { $0.points.map(\.x) } + marks.map(\.steps)
        let ys =
            curves.flatMap { $0.points.flatMap { [$0.mean - $0.standardDeviation, $0.mean + $0.standardDeviation] } }
            + marks.map(\.averageReturn)
        let m = Self.margin
        let pixels = (origin.x + m.left, origin.x + Self.panelWidth - m.right)
        let smallest = xs.filter { $0 > 0 }.min() ?? 1, largest = xs.max() ?? 1
        let x =
            largest / smallest > Self.logarithmicSpan
            ? AxisScale(logarithmicCovering: smallest, largest, pixels: pixels)
            : AxisScale(covering: min(0, xs.min() ?? 0), largest, pixels: pixels)
        let y = AxisScale(
            covering: ys.min() ?? 0, ys.max() ?? 1,
            pixels: (origin.y + Self.panelHeight - m.bottom, origin.y + m.top))
        return (x, y)
    }

    /// The plot box of a panel with scales `x` and `y`, in pixels.
    static func plotBox(x: AxisScale, y: AxisScale) -> (left: Double, top: Double, width: Double, height: Double) {
        (left: x.pixelLower, top: y.pixelUpper, width: x.pixelUpper - x.pixelLower, height: y.pixelLower - y.pixelUpper)
    }

    private func panel(
        _ environment: String, origin: (x: Double, y: Double),
        legend place: (left: Double, top: Double, below: Bool, height: Double), into out: inout SVGWriter
    ) {
        let (x, y) = scales(environment, origin: origin)
        let box = Self.plotBox(x: x, y: y)
        out.line(
            "<g class=\"panel\" data-environment=\"\(escape(environment))\" "
                + "data-x-domain=\"\(x.lower) \(x.upper)\" data-y-domain=\"\(y.lower) \(y.upper)\" "
                + "data-plot-box=\"\(n(box.left)) \(n(box.top)) \(n(box.width)) \(n(box.height))\">")
        out.line(
            "<text x=\"\(n(box.left + box.width / 2))\" y=\"\(n(origin.y + 22))\" text-anchor=\"middle\" "
                + "font-size=\"15\" font-weight=\"bold\">\(escape(environment))</text>")
        let curves = series.filter { $0.environment == environment }
        let horizons = Set(curves.map(\.horizon))
        axes(
            x: x, y: y,
            returnLabel: horizons.count == 1
                ? "average return (\(horizons.first!)-step episodes)"
                : "average return per episode", into: &out)
        for (index, curve) in curves.enumerated() { draw(curve, index: index, x: x, y: y, into: &out) }
        let marks = anchors.filter { $0.environment == environment }
        for mark in marks { draw(mark, x: x, y: y, into: &out) }
        legend(
            curves: curves, marks: marks, left: origin.x + place.left, top: origin.y + place.top, below: place.below,
            into: &out)
        out.line("</g>")
    }

    /// Pixels a legend placed below a panel adds to its row beyond its own height (half above it, half below).
    static let legendGap = 6.0

    /// Where a panel's legend goes, relative to the panel's top-left corner, and its height: the place inside the
    /// plot box that ``legendCorner`` picks, or, where that still covers part of a curve or a published mark, below
    /// the panel, left-aligned with the box, under its x-axis title. The same for a panel anywhere in the figure.
    func legendPlacement(_ environment: String) -> (left: Double, top: Double, below: Bool, height: Double) {
        let (x, y) = scales(environment, origin: (0, 0))
        let box = Self.plotBox(x: x, y: y)
        let curves = series.filter { $0.environment == environment }
        let marks = anchors.filter { $0.environment == environment }
        let size = Self.legendSize(curves: curves, marks: marks)
        let corner = Self.legendCorner(
            box: box, size: size, points: Self.drawnPoints(curves, x: x, y: y),
            marks: Self.markPoints(marks, x: x, y: y))
        return corner.covered == 0
            ? (corner.left, corner.top, false, size.height)
            : (box.left, Self.panelHeight + Self.legendGap / 2, true, size.height)
    }

    private func axes(x: AxisScale, y: AxisScale, returnLabel: String, into out: inout SVGWriter) {
        let (left, right, bottom, top) = (x.pixelLower, x.pixelUpper, y.pixelLower, y.pixelUpper)
        for tick in x.ticks {
            let px = n(x.pixel(tick))
            out.line(
                "<line class=\"grid\" x1=\"\(px)\" y1=\"\(n(top))\" x2=\"\(px)\" y2=\"\(n(bottom))\" "
                    + "stroke=\"#e5e5e5\"/>")
            out.line("<text x=\"\(px)\" y=\"\(n(bottom + 16))\" text-anchor=\"middle\">\(AxisScale.label(tick))</text>")
        }
        for tick in y.ticks {
            let py = n(y.pixel(tick))
            out.line(
                "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(py)\" x2=\"\(n(right))\" y2=\"\(py)\" "
                    + "stroke=\"#e5e5e5\"/>")
            out.line(
                "<text x=\"\(n(left - 6))\" y=\"\(n(y.pixel(tick) + 4))\" text-anchor=\"end\">"
                    + "\(AxisScale.label(tick))</text>")
        }
        out.line(
            "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" "
                + "height=\"\(n(bottom - top))\" fill=\"none\" stroke=\"#333\"/>")
        out.line(
            "<text x=\"\(n((left + right) / 2))\" y=\"\(n(bottom + 38))\" text-anchor=\"middle\">"
                + "real environment steps\(x.logarithmic ? " (log scale)" : "")</text>")
        let middle = n((top + bottom) / 2)
        out.line(
            "<text x=\"\(n(left - 52))\" y=\"\(middle)\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 \(n(left - 52)) \(middle))\">\(escape(returnLabel))</text>")
    }

    private func draw(
        _ curve: LearningCurves.Series, index: Int, x: AxisScale, y: AxisScale,
        into out: inout SVGWriter
    ) {
        let color = Self.color(curve, index: index)
        let upper = curve.points.map { "\(n(x.pixel($0.x))),\(n(y.pixel($0.mean + $0.standardDeviation)))" }
        let lower = curve.points.reversed().map { "\(n(x.pixel($0.x))),\(n(y.pixel($0.mean - $0.standardDeviation)))" }
        if curve.runs > 1 {
            out.line(
                "<polygon class=\"band\" data-series=\"\(escape(curve.label))\" points=\""
                    + (upper + lower).joined(separator: " ")
                    + "\" fill=\"\(color)\" fill-opacity=\"0.2\" stroke=\"none\"/>")
        }
        let points = curve.points.map { "\(n(x.pixel($0.x))),\(n(y.pixel($0.mean)))" }.joined(separator: " ")
        out.line(
            "<polyline class=\"mean\" data-series=\"\(escape(curve.label))\" data-runs=\"\(curve.runs)\" "
                + "data-metric=\"\(escape(curve.metric))\" points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" "
                + "stroke-width=\"2\"/>")
    }

    private func draw(_ mark: PublishedAnchor, x: AxisScale, y: AxisScale, into out: inout SVGWriter) {
        let (px, py) = (x.pixel(mark.steps), y.pixel(mark.averageReturn))
        let shape = Self.anchorShape(mark.source, x: px, y: py)
        out.line(
            "<path class=\"anchor\" data-source=\"\(escape(mark.source))\" data-steps=\"\(mark.steps)\" "
                + "data-return=\"\(mark.averageReturn)\" d=\"\(shape)\" fill=\"\(Self.anchorColor(mark))\" stroke=\"black\"/>"
        )
        out.line(
            "<text x=\"\(n(px - 10))\" y=\"\(n(py + 4))\" text-anchor=\"end\" font-size=\"10\">"
                + "\(AxisScale.label(mark.averageReturn))</text>")
    }

    /// Width and height of the legend box in pixels.
    static func legendSize(
        curves: [LearningCurves.Series], marks: [PublishedAnchor]
    )
        -> (width: Double, height: Double)
    {
        let sources = Set(marks.map(\.source))
        // ≈ 6.5 px per character at the legend's font size, after the 36 px sample line; no wider than its text, so
        // that it fits where the curves leave room
        let texts = curves.map { legendText($0).count } + sources.map { "MB-MPO, \($0) (published)".count }
        let longest = texts.max() ?? 0
        return (max(120, 36 + 6.5 * Double(longest) + 8), Double((curves.count + sources.count) * 17 + 8))
    }

    /// Pixels the published marks cover: each mark, and its value written to its left (right-aligned 10 px before it).
    static func markPoints(_ marks: [PublishedAnchor], x: AxisScale, y: AxisScale) -> [(x: Double, y: Double)] {
        marks.flatMap { mark -> [(x: Double, y: Double)] in
            let (px, py) = (x.pixel(mark.steps), y.pixel(mark.averageReturn))
            return [(px, py), (px - 25, py)]
        }
    }

    /// Pixels the curves (mean lines, sampled densely along each segment, and their ± std) cover.
    static func drawnPoints(_ curves: [LearningCurves.Series], x: AxisScale, y: AxisScale) -> [(x: Double, y: Double)] {
        var points: [(x: Double, y: Double)] = []
        for curve in curves {
            for (a, b) in zip(curve.points, curve.points.dropFirst()) {
                // along the drawn segment, which is straight in pixels (on a logarithmic axis too)
                let (ax, bx) = (x.pixel(a.x), x.pixel(b.x))
                for step in 0...20 {
                    let f = Double(step) / 20, px = ax + f * (bx - ax)
                    let mean = a.mean + f * (b.mean - a.mean)
                    let spread = a.standardDeviation + f * (b.standardDeviation - a.standardDeviation)
                    points += [(px, y.pixel(mean)), (px, y.pixel(mean + spread)), (px, y.pixel(mean - spread))]
                }
            }
            if curve.points.count == 1, let only = curve.points.first {
                points.append((x.pixel(only.x), y.pixel(only.mean)))
            }
        }
        return points
    }

    /// The top-left corner of the legend. Candidates: the corners of the plot box (top left, bottom right, top right,
    /// bottom left, in that order of preference), then places a quarter, half and three quarters along its top,
    /// bottom, left and right edges. The first whose legend-sized area covers the fewest drawn points wins, a
    /// published mark's point counting as 100: a legend may hide part of a curve where nothing else is free, but not
    /// a published number another place leaves visible. `covered` is the winner's count (0: it hides nothing).
    static func legendCorner(
        box: (left: Double, top: Double, width: Double, height: Double),
        size: (width: Double, height: Double), points: [(x: Double, y: Double)],
        marks: [(x: Double, y: Double)] = []
    )
        -> (left: Double, top: Double, covered: Int)
    {
        let markWeight = 100
        let inset = (x: 10.0, y: 8.0)
        let left = box.left + inset.x, right = box.left + box.width - inset.x - size.width
        let top = box.top + inset.y, bottom = box.top + box.height - inset.y - size.height
        var candidates = [(left, top), (right, bottom), (right, top), (left, bottom)]
        let fractions = [0.25, 0.5, 0.75]
        if right > left {
            for y in [top, bottom] { candidates += fractions.map { (left + $0 * (right - left), y) } }
        }
        if bottom > top {
            for x in [left, right] { candidates += fractions.map { (x, top + $0 * (bottom - top)) } }
        }
        func covered(_ corner: (Double, Double), _ drawn: [(x: Double, y: Double)]) -> Int {
            drawn.filter {
                $0.x >= corner.0 - 4 && $0.x <= corner.0 + size.width + 4
                    && $0.y >= corner.1 - 4 && $0.y <= corner.1 + size.height + 4
            }.count
        }
        let counts = candidates.map { covered($0, points) + markWeight * covered($0, marks) }
        let best = counts.indices.min { counts[$0] < counts[$1] } ?? 0
        return (candidates[best].0, candidates[best].1, counts[best])
    }

    private func legend(
        curves: [LearningCurves.Series], marks: [PublishedAnchor], left: Double, top: Double, below: Bool,
        into out: inout SVGWriter
    ) {
        let sources = marks.map(\.source).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let size = Self.legendSize(curves: curves, marks: marks)
        out.line(
            "<rect class=\"legend\" data-placement=\"\(below ? "below" : "inside")\" "
                + "x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(size.width))\" "
                + "height=\"\(n(size.height))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>")
        for (index, curve) in curves.enumerated() {
            let rowY = top + 14 + Double(index) * 17
            out.line(
                "<line x1=\"\(n(left + 8))\" y1=\"\(n(rowY - 4))\" x2=\"\(n(left + 30))\" y2=\"\(n(rowY - 4))\" "
                    + "stroke=\"\(Self.color(curve, index: index))\" stroke-width=\"2\"/>")
            out.line("<text x=\"\(n(left + 36))\" y=\"\(n(rowY))\">\(escape(Self.legendText(curve)))</text>")
        }
        for (index, source) in sources.enumerated() {
            let rowY = top + 14 + Double(curves.count + index) * 17
            let sample = PublishedAnchor(environment: "", steps: 0, averageReturn: 0, source: source)
            out.line(
                "<path d=\"\(Self.anchorShape(source, x: left + 19, y: rowY - 4))\" "
                    + "fill=\"\(Self.anchorColor(sample))\" stroke=\"black\"/>")
            out.line("<text x=\"\(n(left + 36))\" y=\"\(n(rowY))\">MB-MPO, \(escape(source)) (published)</text>")
        }
    }

    /// The line colour of an algorithm.
    static func color(_ algorithm: String, index: Int) -> String {
        colors[algorithm] ?? fallbackColors[index % fallbackColors.count]
    }

    /// A series' colour: its algorithm's, or a colour by position when it runs with other simulation timing or is
    /// one of several settings of the same algorithm.
    static func color(_ curve: LearningCurves.Series, index: Int) -> String {
        color(curve.timing.isEmpty && curve.settings.isEmpty ? curve.algorithm : curve.label, index: index)
    }

    /// "mb-mpo (3 runs, mean ± std)".
    static func legendText(_ curve: LearningCurves.Series) -> String {
        curve.label + (curve.runs == 1 ? " (1 run)" : " (\(curve.runs) runs, mean ± std)")
    }

    /// A triangle for RLlib's number, a diamond for the original code's, centred at (x, y).
    static func anchorShape(_ source: String, x: Double, y: Double) -> String {
        source == "RLlib"
            ? "M\(n(x)),\(n(y - 6)) L\(n(x + 6)),\(n(y + 5)) L\(n(x - 6)),\(n(y + 5)) Z"
            : "M\(n(x)),\(n(y - 7)) L\(n(x + 7)),\(n(y)) L\(n(x)),\(n(y + 7)) L\(n(x - 7)),\(n(y)) Z"
    }

    /// Fill of an anchor mark.
    static func anchorColor(_ mark: PublishedAnchor) -> String {
        mark.source == "RLlib" ? "#bbbbbb" : "#222222"
    }
}

/// Pixel coordinates with two decimals.
private func n(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// XML-escapes text and attribute values.
func escape(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        // XML 1.0 has no control characters but tab, line feed and carriage return, not even as references
        case _ where character.unicodeScalars.contains { $0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value) }:
            out += "\u{FFFD}"
        default: out.append(character)
        }
    }
    return out
}

/// Accumulates SVG lines.
struct SVGWriter {
    private(set) var text = ""

    /// Appends one line.
    mutating func line(_ content: String) {
        text += content + "\n"
    }
}
