import Foundation
import Testing

@testable import App
@testable import Plot

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `mbmpo plot`: the SVG parses as XML and its lines, bands and marks map back to the logged numbers.
@Suite struct PlotTests {
    /// Writes a run folder with `config.json` naming the task and algorithm and the given progress rows.
    static func writeRun(_ folder: URL, environment: String, algorithm: String, header: String, rows: [String]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "{\"environment\": \"\(environment)\", \"algorithm\": \"\(algorithm)\", \"seed\": 1}"
            .write(to: folder.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try ([header] + rows).joined(separator: "\n").appending("\n")
            .write(to: folder.appendingPathComponent("progress.csv"), atomically: true, encoding: .utf8)
    }

    /// Three MB-MPO half-cheetah seeds (one a row short) and one ME-TRPO hopper run.
    static func makeRuns() throws -> (root: URL, returns: [[Double]]) {
        let root = try TestFiles.temporaryFolder("plot")
        let returns: [[Double]] = [[-100, 20, 150.5], [-80, 60, 210], [-90, 10]]
        for (seed, values) in returns.enumerated() {
            let rows = values.enumerated().map { index, value in
                "\(index),\(5000 + 4000 * index),\(value),\(value + 7)"
            }
            try writeRun(
                root.appendingPathComponent("hc-\(seed)"), environment: "half-cheetah", algorithm: "mb-mpo",
                header: "Iteration,n_timesteps,PrePolicy-AverageReturn,PostPolicy-AverageReturn", rows: rows)
        }
        // the first row has no exploration return (random data), as the trainers log it
        try writeRun(
            root.appendingPathComponent("hopper-0"), environment: "hopper", algorithm: "me-trpo",
            header: "Iteration,n_timesteps,\"EnvTrajs-AverageReturn\"",
            rows: ["0,4000,", "1,8000,33.5", "2,12000,61"])
        return (root, returns)
    }

    /// Element name and attributes of every element, in document order.
    final class Elements: NSObject, XMLParserDelegate {
        var list: [(name: String, attributes: [String: String])] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            list.append((name, attributes))
        }
    }

    static func parse(_ svg: String) throws -> [(name: String, attributes: [String: String])] {
        let parser = XMLParser(data: Data(svg.utf8))
        let elements = Elements()
        parser.delegate = elements
        #expect(parser.parse(), "the SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return elements.list
    }

    /// Pixel → data through a panel's recorded domains and plot box.
    struct PanelMap {
        let x: (Double, Double), y: (Double, Double), box: [Double]

        init(_ attributes: [String: String]) throws {
            let xs = try #require(attributes["data-x-domain"]).split(separator: " ").compactMap { Double($0) }
            let ys = try #require(attributes["data-y-domain"]).split(separator: " ").compactMap { Double($0) }
            box = try #require(attributes["data-plot-box"]).split(separator: " ").compactMap { Double($0) }
            x = (xs[0], xs[1])
            y = (ys[0], ys[1])
        }

        func data(_ px: Double, _ py: Double) -> (x: Double, y: Double) {
            (x.0 + (px - box[0]) / box[2] * (x.1 - x.0), y.0 + (box[1] + box[3] - py) / box[3] * (y.1 - y.0))
        }

        /// Coordinates are written with two decimals: half a hundredth of a pixel, in data units.
        var tolerance: (x: Double, y: Double) {
            (0.005 * (x.1 - x.0) / box[2] + 1e-9, 0.005 * (y.1 - y.0) / box[3] + 1e-9)
        }
    }

    static func points(_ text: String?) -> [(Double, Double)] {
        (text ?? "").split(separator: " ").map { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return (parts[0], parts[1])
        }
    }

    @Test func plottedValuesEqualTheLoggedOnes() throws {
        let (root, returns) = try Self.makeRuns()
        let folders = try RunRecord.runFolders(in: root.path)
        #expect(folders.count == 4)
        let series = try LearningCurves.series(of: folders.map { try RunRecord(folder: $0) })
        let elements = try Self.parse(LearningCurveChart(series: series, anchors: PublishedAnchor.all).svg())
        let panels = elements.filter { $0.name == "g" && $0.attributes["class"] == "panel" }
        #expect(panels.map { $0.attributes["data-environment"] } == ["half-cheetah", "hopper"])

        // half-cheetah: mean over the seeds that reached each step, shifted left by half an iteration (2 000)
        let cheetah = try PanelMap(panels[0].attributes)
        let start = try #require(elements.firstIndex { $0.attributes["data-environment"] == "half-cheetah" })
        let line = try #require(elements[start...].first { $0.attributes["class"] == "mean" })
        #expect(line.attributes["data-series"] == "mb-mpo")
        #expect(line.attributes["data-runs"] == "3")
        #expect(line.attributes["data-metric"] == "PrePolicy-AverageReturn")
        let plotted = Self.points(line.attributes["points"]).map { cheetah.data($0.0, $0.1) }
        let expected: [(x: Double, mean: Double, std: Double)] = (0..<3).map { index in
            let ys = returns.compactMap { index < $0.count ? $0[index] : nil }
            let mean = ys.reduce(0, +) / Double(ys.count)
            let std = (ys.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ys.count)).squareRoot()
            return (Double(5000 + 4000 * index - 2000), mean, std)
        }
        #expect(plotted.count == expected.count)
        for (point, want) in zip(plotted, expected) {
            #expect(abs(point.x - want.x) <= cheetah.tolerance.x)
            #expect(abs(point.y - want.mean) <= cheetah.tolerance.y, "\(point.y) vs \(want.mean)")
        }
        // the band: mean + std forward, mean − std backward
        let band = try #require(elements[start...].first { $0.attributes["class"] == "band" })
        let outline = Self.points(band.attributes["points"]).map { cheetah.data($0.0, $0.1) }
        #expect(outline.count == 6)
        for (index, want) in expected.enumerated() {
            #expect(abs(outline[index].y - (want.mean + want.std)) <= cheetah.tolerance.y)
            #expect(abs(outline[5 - index].y - (want.mean - want.std)) <= cheetah.tolerance.y)
        }
        #expect(expected[0].std > 5)

        // hopper: the baseline's exploration return, unshifted, rows without it skipped; no band for one run
        let hopper = try PanelMap(panels[1].attributes)
        let hopperStart = try #require(elements.firstIndex { $0.attributes["data-environment"] == "hopper" })
        let hopperLine = try #require(elements[hopperStart...].first { $0.attributes["class"] == "mean" })
        #expect(hopperLine.attributes["data-metric"] == "EnvTrajs-AverageReturn")
        let hopperPoints = Self.points(hopperLine.attributes["points"]).map { hopper.data($0.0, $0.1) }
        #expect(hopperPoints.count == 2)
        #expect(
            abs(hopperPoints[0].x - 8000) <= hopper.tolerance.x && abs(hopperPoints[0].y - 33.5) <= hopper.tolerance.y)
        #expect(
            abs(hopperPoints[1].x - 12000) <= hopper.tolerance.x && abs(hopperPoints[1].y - 61) <= hopper.tolerance.y)
        #expect(!elements[hopperStart...].contains { $0.attributes["class"] == "band" })

        // the published anchors: two per panel, at 100k steps, drawn where their numbers are
        let anchors = elements.filter { $0.attributes["class"] == "anchor" }
        #expect(anchors.map { $0.attributes["data-return"] } == ["550.0", "520.0", "650.0", "620.0"])
        for anchor in anchors {
            let path = anchor.attributes["d"] ?? ""
            let numbers = path.split { "MLZ ,".contains($0) }.compactMap { Double($0) }
            let map = anchor.attributes["data-return"]?.hasPrefix("6") == true ? hopper : cheetah
            let centre = map.data(numbers[0], numbers[1] + (anchor.attributes["data-source"] == "RLlib" ? 6 : 7))
            #expect(abs(centre.x - 100_000) <= map.tolerance.x)
            #expect(abs(centre.y - (Double(anchor.attributes["data-return"] ?? "") ?? 0)) <= map.tolerance.y)
        }
        // axes say what they show
        let svg = LearningCurveChart(series: series, anchors: PublishedAnchor.all).svg()
        #expect(svg.contains(">real environment steps</text>"))
        #expect(svg.contains(">average return (200-step episodes)</text>"))
        #expect(svg.contains("mb-mpo (3 runs, mean ± std)"))
    }

    /// The return axis names the runs' episode length: `sampling.horizon` of `config.json`, else the task's own.
    @Test func returnAxisNamesTheEpisodeLength() throws {
        let root = try TestFiles.temporaryFolder("plot-horizon")
        let header = "Iteration,n_timesteps,\"EnvTrajs-AverageReturn\""
        try Self.writeRun(
            root.appendingPathComponent("reacher"), environment: "Reacher-v5", algorithm: "ppo", header: header,
            rows: ["0,5000,-40", "1,10000,-20"])
        try Self.writeRun(
            root.appendingPathComponent("hopper"), environment: "Hopper-v5", algorithm: "trpo", header: header,
            rows: ["0,50000,12", "1,100000,30"])
        // a configuration's own horizon wins over the task's
        let short = root.appendingPathComponent("hopper-short")
        try Self.writeRun(short, environment: "Hopper-v5", algorithm: "ppo", header: header, rows: ["0,2000,5"])
        try "{\"environment\": \"Hopper-v5\", \"algorithm\": \"ppo\", \"sampling\": {\"horizon\": 300}}"
            .write(to: short.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let records = try ["reacher", "hopper", "hopper-short"].map {
            try RunRecord(folder: root.appendingPathComponent($0).path)
        }
        #expect(records.map(\.horizon) == [50, 1_000, 300])
        let series = try LearningCurves.series(of: records)
        let reacher = LearningCurveChart(series: series.filter { $0.environment == "Reacher-v5" }, anchors: []).svg()
        #expect(reacher.contains(">average return (50-step episodes)</text>"))
        let hopper = LearningCurveChart(series: Array(series.filter { $0.environment == "Hopper-v5" }), anchors: [])
        #expect(LearningCurveChart(series: [hopper.series[0]], anchors: []).svg().contains("(1000-step episodes)"))
        #expect(hopper.svg().contains(">average return per episode</text>") && !hopper.svg().contains("-step"))
    }

    /// The legend goes to the corner its box leaves free: a curve rising through the top left moves it away.
    @Test func legendAvoidsTheCurves() {
        let box = (left: 100.0, top: 50.0, width: 400.0, height: 300.0), size = (width: 230.0, height: 42.0)
        // nothing drawn: top left, the first preference
        let empty = LearningCurveChart.legendCorner(box: box, size: size, points: [])
        #expect(empty.left == 110 && empty.top == 58)
        // a learning curve: a steep rise from the bottom left, then a plateau along the top
        let rising: [(x: Double, y: Double)] = (0...100).map { step in
            let t = Double(step)
            return (x: 100 + 4 * t, y: max(70, 350 - 10 * t))
        }
        let risingCorner = LearningCurveChart.legendCorner(box: box, size: size, points: rising)
        #expect(risingCorner.left == 260 && risingCorner.top == 300, "bottom right expected, got \(risingCorner)")
        let right = risingCorner.left + size.width, bottom = risingCorner.top + size.height
        let inside = rising.filter { point in
            point.x >= risingCorner.left && point.x <= right && point.y >= risingCorner.top && point.y <= bottom
        }
        #expect(inside.isEmpty)
        // points in the top left and the bottom right: top right
        let both = [(x: 150.0, y: 70.0), (x: 400.0, y: 320.0)]
        let third = LearningCurveChart.legendCorner(box: box, size: size, points: both)
        #expect(third.left == 260 && third.top == 58)
    }

    /// A published mark is never hidden where another place is free of it: with a point in every other corner the
    /// legend moves along the top edge, and with curves everywhere but around the mark it hides curve points instead.
    @Test func legendKeepsPublishedMarksVisible() {
        let box = (left: 100.0, top: 50.0, width: 400.0, height: 300.0), size = (width: 230.0, height: 42.0)
        let mark = [(x: 120.0, y: 70.0)]
        let corners = [(x: 480.0, y: 340.0), (x: 480.0, y: 60.0), (x: 120.0, y: 340.0)]
        // with the four corners alone as candidates they tie at one covered point each, and the top left won
        let alongTop = LearningCurveChart.legendCorner(box: box, size: size, points: corners, marks: mark)
        #expect(alongTop.left == 147.5 && alongTop.top == 58, "got \(alongTop)")
        let grid = stride(from: 100.0, through: 500, by: 20).flatMap { x in
            stride(from: 50.0, through: 350, by: 20).map { y in (x: x, y: y) }
        }.filter { $0.x > 350 || $0.y > 110 }
        let chosen = LearningCurveChart.legendCorner(box: box, size: size, points: grid, marks: mark)
        let hidesMark =
            mark[0].x >= chosen.left - 4 && mark[0].x <= chosen.left + size.width + 4
            && mark[0].y >= chosen.top - 4 && mark[0].y <= chosen.top + size.height + 4
        #expect(!hidesMark, "the legend at \(chosen) hides the mark")
        let free = LearningCurveChart.legendCorner(box: box, size: size, points: grid)
        #expect(free.left == 110 && free.top == 58, "without the mark the free top left wins, got \(free)")
    }

    /// The command writes SVG.
    @Test func commandWritesSVG() throws {
        let (root, _) = try Self.makeRuns()
        let svgURL = root.appendingPathComponent("curves.svg")
        let command = try Plot.parse([root.path, "--out", svgURL.path])
        try command.run()
        #expect(try Self.parse(TestFiles.text(svgURL)).first?.name == "svg")
    }

    /// The command writes PNG through rsvg-convert.
    @Test(.enabled(if: findExecutable("rsvg-convert") != nil, "rsvg-convert not on PATH: the PNG path cannot run"))
    func commandWritesPNG() throws {
        let (root, _) = try Self.makeRuns()
        let pngURL = root.appendingPathComponent("curves.png")
        let command = try Plot.parse([
            root.appendingPathComponent("hc-0").path, root.appendingPathComponent("hopper-0").path,
            "--out", pngURL.path,
        ])
        try command.run()
        let png = [UInt8](try Data(contentsOf: pngURL))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 960 && height == 360)
    }

    @Test func badInputIsOneLine() throws {
        let root = try TestFiles.temporaryFolder("plot-errors")
        #expect(throws: RunRecord.Problem.self) { try RunRecord.runFolders(in: root.path) }
        #expect(throws: RunRecord.Problem.self) { try RunRecord.runFolders(in: root.appendingPathComponent("no").path) }
        try Self.writeRun(
            root.appendingPathComponent("empty"), environment: "hopper", algorithm: "mb-mpo",
            header: "Iteration,n_timesteps", rows: [])
        #expect(throws: RunRecord.Problem.self) { try RunRecord(folder: root.appendingPathComponent("empty").path) }
        try Self.writeRun(
            root.appendingPathComponent("no-return"), environment: "hopper", algorithm: "mb-mpo",
            header: "Iteration,n_timesteps", rows: ["0,5000"])
        let run = try RunRecord(folder: root.appendingPathComponent("no-return").path)
        #expect(throws: RunRecord.Problem.self) { try LearningCurves.curve(of: run) }
        let command = try Plot.parse([root.path, "--out", root.appendingPathComponent("x.pdf").path])
        #expect(throws: RunRecord.Problem.self) { try command.run() }
    }

    /// A folder of runs where some have logged no return yet (one just started, one after only its random-data
    /// iteration) plots the others and names those it passed over; a run that cannot be read is still an error,
    /// and so is a plot with nothing left to draw.
    @Test func runsWithNothingLoggedYetArePassedOver() throws {
        let (root, _) = try Self.makeRuns()
        try Self.writeRun(
            root.appendingPathComponent("started"), environment: "hopper", algorithm: "mb-mpo",
            header: "Iteration,n_timesteps", rows: [])
        try Self.writeRun(
            root.appendingPathComponent("random-only"), environment: "hopper", algorithm: "mb-mpc",
            header: "Iteration,n_timesteps,\"EnvTrajs-AverageReturn\"", rows: ["0,4000,"])
        let folders = try RunRecord.runFolders(in: root.path)
        let (runs, passedOver) = try LearningCurves.drawable(folders)
        #expect(
            runs.map { URL(fileURLWithPath: $0.folder).lastPathComponent }.sorted()
                == ["hc-0", "hc-1", "hc-2", "hopper-0"])
        #expect(passedOver.count == 2 && passedOver.allSatisfy(\.nothingLoggedYet))
        #expect(passedOver.contains { $0.message.contains("started/progress.csv' has no rows yet") })
        #expect(passedOver.contains { $0.message.contains("random-only/progress.csv' has no return logged yet") })
        let svgURL = root.appendingPathComponent("curves.svg")
        try Plot.parse([root.path, "--out", svgURL.path]).run()
        #expect(try Self.parse(TestFiles.text(svgURL)).first?.name == "svg")

        // only runs with nothing to draw: the first one's problem
        let onlyNew = [root.appendingPathComponent("started").path, root.appendingPathComponent("random-only").path]
        #expect(throws: RunRecord.Problem.self) { try LearningCurves.drawable(onlyNew) }
        do {
            _ = try LearningCurves.drawable(onlyNew)
        } catch let problem as RunRecord.Problem {
            #expect(problem.message.hasSuffix("started/progress.csv' has no rows yet"))
        }
        // an unreadable run among drawable ones is not passed over, nor is a CSV that is not a run's log
        try "{\"algorithm\": \"mb-mpo\"}".write(
            to: root.appendingPathComponent("started/config.json"), atomically: true, encoding: .utf8)
        #expect(throws: RunRecord.Problem.self) { try LearningCurves.drawable(folders) }
        let foreign = root.appendingPathComponent("foreign")
        try Self.writeRun(
            foreign, environment: "hopper", algorithm: "mb-mpo", header: "step,reward", rows: ["1,2.5"])
        let withForeign = [root.appendingPathComponent("hc-0").path, foreign.path]
        #expect(throws: RunRecord.Problem.self) { try LearningCurves.drawable(withForeign) }
        do {
            _ = try LearningCurves.drawable(withForeign)
        } catch let problem as RunRecord.Problem {
            #expect(!problem.nothingLoggedYet && problem.message.hasSuffix("has no n_timesteps column"))
        }
    }

    /// Runs with other simulation timing are their own series in the task's panel, named in the legend and
    /// drawn in another colour; runs with the task's own timing still average together.
    @Test func timingVariantsAreSeparateSeries() throws {
        let root = try TestFiles.temporaryFolder("plot-timing")
        let header = "Iteration,n_timesteps,PrePolicy-AverageReturn"
        for seed in 0..<2 {
            try Self.writeRun(
                root.appendingPathComponent("hopper-\(seed)"), environment: "hopper", algorithm: "mb-mpo",
                header: header, rows: ["0,5000,10", "1,9000,\(200 + seed)"])
        }
        let variant = root.appendingPathComponent("hopper-dt")
        try Self.writeRun(
            variant, environment: "hopper", algorithm: "mb-mpo", header: header,
            rows: ["0,5000,12", "1,9000,300"])
        try "{\"environment\": \"hopper\", \"algorithm\": \"mb-mpo\", \"physicsTimestep\": 0.004, \"frameSkip\": 5}"
            .write(to: variant.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let series = try LearningCurves.series(
            of: RunRecord.runFolders(in: root.path).map { try RunRecord(folder: $0) })
        // hopper's paper preset is 0.004 s × 5 (no label); the runs with both settings null have the submission's
        #expect(series.map(\.label) == ["mb-mpo, submission timing", "mb-mpo"])
        #expect(series.map(\.runs) == [2, 1])
        #expect(series[1].points.last?.mean == 300)
        let chart = LearningCurveChart(series: series, anchors: PublishedAnchor.all)
        #expect(LearningCurveChart.color(series[0], index: 0) != LearningCurveChart.color(series[1], index: 1))
        let elements = try Self.parse(chart.svg())
        let names = elements.filter { $0.attributes["class"] == "mean" }.compactMap { $0.attributes["data-series"] }
        #expect(names == ["mb-mpo, submission timing", "mb-mpo"])
        let legend = LearningCurveChart.legendSize(curves: series, marks: [])
        #expect(legend.width >= 36 + 6.5 * Double(LearningCurveChart.legendText(series[1]).count))
        // the box is as wide as its longest line needs, the published marks' lines included
        let marks = PublishedAnchor.all.filter { $0.environment == "hopper" }
        let withMarks = LearningCurveChart.legendSize(curves: series, marks: marks)
        let longest =
            (series.map { LearningCurveChart.legendText($0).count }
            + marks.map { "MB-MPO, \($0.source) (published)".count }).max() ?? 0
        #expect(!marks.isEmpty && withMarks.width == 36 + 6.5 * Double(longest) + 8)
        // beside a short curve label, the marks' line sets the width
        let markText = marks.map { "MB-MPO, \($0.source) (published)".count }.max() ?? 0
        let short = LearningCurveChart.legendSize(curves: [series[1]], marks: marks)
        #expect(short.width == 36 + 6.5 * Double(markText) + 8)
        #expect(withMarks.height == Double((series.count + Set(marks.map(\.source)).count) * 17 + 8))
    }

    /// `--label-by KEY`: runs that differ in a setting are separate series named by its value, in their own colours;
    /// a key the configuration lacks is a one-line error.
    @Test func labelledSettingsAreSeparateSeries() throws {
        let root = try TestFiles.temporaryFolder("plot-label")
        let header = "Iteration,n_timesteps,PrePolicy-AverageReturn"
        for (index, (step, tailored)) in [(0.01, true), (0.01, true), (0.0, true), (0.01, false)].enumerated() {
            let folder = root.appendingPathComponent("run-\(index)")
            try Self.writeRun(
                folder, environment: "half-cheetah", algorithm: "mb-mpo", header: header,
                rows: ["0,5000,1", "1,9000,\(10 * index)"])
            try """
            {"environment": "half-cheetah", "algorithm": "mb-mpo", "meta": {"innerStepSize": \(step), \
            "tailoredExploration": \(tailored)}}
            """.write(to: folder.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        }
        let keys = ["meta.innerStepSize", "meta.tailoredExploration"]
        let records = try RunRecord.runFolders(in: root.path).map { try RunRecord(folder: $0, labelKeys: keys) }
        let series = try LearningCurves.series(of: records)
        #expect(
            series.map(\.label) == [
                "mb-mpo, innerStepSize 0.01, tailoredExploration true",
                "mb-mpo, innerStepSize 0, tailoredExploration true",
                "mb-mpo, innerStepSize 0.01, tailoredExploration false",
            ])
        #expect(series.map(\.runs) == [2, 1, 1])
        #expect(series[0].points.last?.mean == 5)
        #expect(Set(series.indices.map { LearningCurveChart.color(series[$0], index: $0) }).count == 3)
        // without labels the four runs are one series
        #expect(try LearningCurves.series(of: records.map { try RunRecord(folder: $0.folder) }).map(\.runs) == [4])
        #expect(throws: RunRecord.Problem.self) {
            try RunRecord(folder: records[0].folder, labelKeys: ["meta.noSuchKey"])
        }
    }

    /// Steps spanning more than two decades (model-free curves) get a logarithmic axis with a tick
    /// at every power of ten; positions are linear in log₁₀.
    @Test func logarithmicStepAxis() {
        let scale = AxisScale(logarithmicCovering: 3_000, 2.4e7, pixels: (0, 500))
        #expect(scale.logarithmic && scale.ticks == [1e3, 1e4, 1e5, 1e6, 1e7, 1e8])
        #expect(abs(scale.pixel(1e5) - 200) < 1e-9 && abs(scale.pixel(1e3) - 0) < 1e-9)
        #expect(abs(scale.value(atPixel: scale.pixel(42_000)) - 42_000) < 1e-6)
        func series(_ algorithm: String, _ steps: [Double]) -> LearningCurves.Series {
            LearningCurves.Series(
                environment: "hopper", algorithm: algorithm, runs: 1, metric: "EnvTrajs-AverageReturn",
                points: steps.map { .init(x: $0, mean: 1, standardDeviation: 0, runs: 1) })
        }
        let mixed = LearningCurveChart(
            series: [series("mb-mpo", [3_000, 101_000]), series("trpo", [5e4, 1e7])], anchors: [])
        #expect(mixed.scales("hopper", origin: (0, 0)).x.logarithmic)
        let modelBased = LearningCurveChart(series: [series("mb-mpo", [3_000, 101_000])], anchors: [])
        #expect(!modelBased.scales("hopper", origin: (0, 0)).x.logarithmic)
    }

    /// The points the legend avoids lie on the segments as drawn: straight in pixels, on a logarithmic axis too.
    @Test func avoidedPointsFollowTheDrawnSegments() {
        let curve = LearningCurves.Series(
            environment: "hopper", algorithm: "trpo", runs: 1, metric: "EnvTrajs-AverageReturn",
            points: [
                .init(x: 1e3, mean: 0, standardDeviation: 0, runs: 1),
                .init(x: 1e7, mean: 100, standardDeviation: 0, runs: 1),
            ])
        let chart = LearningCurveChart(series: [curve], anchors: [])
        let (x, y) = chart.scales("hopper", origin: (0, 0))
        #expect(x.logarithmic)
        let points = LearningCurveChart.drawnPoints([curve], x: x, y: y)
        let (start, end) = ((x.pixel(1e3), y.pixel(0)), (x.pixel(1e7), y.pixel(100)))
        #expect(points.count == 63)
        for point in points {
            let f = (point.x - start.0) / (end.0 - start.0)
            #expect(f >= -1e-9 && f <= 1 + 1e-9 && abs(point.y - (start.1 + f * (end.1 - start.1))) < 1e-6)
        }
        // the middle sample sits halfway across in pixels (10⁵ on this axis), not at the data's halfway (5·10⁶)
        #expect(abs(points[30].x - x.pixel(1e5)) < 1e-6)
    }

    /// Where every place inside the plot box would hide part of a curve, the legend goes below the panel and the
    /// figure grows by its height (for that row only); where a corner is free, it stays inside at the usual size.
    /// An algorithm keeps its colour whatever the other series of its panel.
    @Test func aLegendWithNowhereFreeGoesBelowThePanel() throws {
        func zigzag(_ environment: String, _ algorithm: String, teeth: Int) -> LearningCurves.Series {
            // a curve that sweeps the whole box, bottom to top, many times: it crosses every candidate place
            LearningCurves.Series(
                environment: environment, algorithm: algorithm, runs: 1, metric: "EnvTrajs-AverageReturn",
                points: (0...teeth).map {
                    .init(x: Double($0) * 1000, mean: $0 % 2 == 0 ? 0 : 100, standardDeviation: 0, runs: 1)
                })
        }
        func legends(_ svg: String) throws -> [[String: String]] {
            try Self.parse(svg).filter { $0.attributes["class"] == "legend" }.map(\.attributes)
        }
        func height(_ svg: String) throws -> Double {
            let text = try Self.parse(svg).first { $0.name == "svg" }?.attributes["height"]
            return Double(text ?? "") ?? -1
        }
        let rising = LearningCurves.Series(
            environment: "hopper", algorithm: "trpo", runs: 1, metric: "EnvTrajs-AverageReturn",
            points: [
                .init(x: 0, mean: 0, standardDeviation: 0, runs: 1),
                .init(x: 1000, mean: 100, standardDeviation: 0, runs: 1),
            ])
        let free = LearningCurveChart(series: [rising], anchors: []).svg()
        #expect(try legends(free).map { $0["data-placement"] } == ["inside"])
        #expect(try height(free) == LearningCurveChart.panelHeight)

        let crowded = [zigzag("hopper", "trpo", teeth: 40), zigzag("hopper", "ppo", teeth: 41)]
        let chart = LearningCurveChart(series: crowded, anchors: [])
        let svg = chart.svg()
        let legend = try #require(try legends(svg).first)
        #expect(legend["data-placement"] == "below")
        let size = LearningCurveChart.legendSize(curves: crowded, marks: [])
        #expect(try height(svg) == LearningCurveChart.panelHeight + size.height + LearningCurveChart.legendGap)
        // below the panel: under its x-axis title, inside the figure, and clear of every curve point
        let top = Double(legend["y"] ?? "") ?? -1
        let total = try height(svg)
        #expect(top >= LearningCurveChart.panelHeight && top + size.height <= total)
        let (x, y) = chart.scales("hopper", origin: (0, 0))
        #expect(LearningCurveChart.drawnPoints(crowded, x: x, y: y).allSatisfy { $0.y < top })

        // a second panel in the same row with a free corner: the row still grows once, the other legend stays inside
        let both = LearningCurveChart(
            series: crowded
                + [rising].map {
                    var s = $0
                    s.environment = "walker2d"
                    return s
                }, anchors: [])
        let placements = try legends(both.svg()).map { $0["data-placement"] }
        #expect(placements == ["inside", "below"] || placements == ["below", "inside"])
        #expect(try height(both.svg()) == LearningCurveChart.panelHeight + size.height + LearningCurveChart.legendGap)
        #expect(LearningCurveChart.color(crowded[0], index: 1) == LearningCurveChart.color(rising, index: 0))
    }

    /// A log the chart cannot draw truthfully is refused with its row: steps that do not increase, or a number so
    /// large that the axes' arithmetic would overflow (1e300 used to trap converting a tick label to an integer).
    @Test func logsThatCannotBeDrawnAreRefusedWithTheirRow() throws {
        let root = try TestFiles.temporaryFolder("plot-refused")
        let header = "Iteration,n_timesteps,EnvTrajs-AverageReturn"
        let cases: [(rows: [String], message: String)] = [
            (["0,3000,1", "1,2000,2"], "row 2: n_timesteps 2000 does not increase (the row before has 3000)"),
            (["0,1000,1", "1,1000,2"], "row 2: n_timesteps 1000 does not increase (the row before has 1000)"),
            (["0,1000,1", "1,2000,1e300"], "row 2: EnvTrajs-AverageReturn 1e+300 is beyond what a plot draws (±1e15)"),
            (["0,1e18,1"], "row 1: n_timesteps 1e+18 is beyond what a plot draws (±1e15)"),
        ]
        for (index, (rows, message)) in cases.enumerated() {
            let folder = root.appendingPathComponent("run-\(index)")
            try Self.writeRun(folder, environment: "hopper", algorithm: "trpo", header: header, rows: rows)
            let error = #expect(throws: RunRecord.Problem.self) { try LearningCurves.drawable([folder.path]) }
            #expect(error?.message == "'\(folder.path)/progress.csv' \(message)")
        }
        // at the bound, and with a row that has no step, it draws
        let edge = root.appendingPathComponent("edge")
        try Self.writeRun(
            edge, environment: "hopper", algorithm: "trpo", header: header,
            rows: ["0,1000,-1e15", "1,,5", "2,3000,1e15"])
        #expect(try LearningCurves.drawable([edge.path]).runs.count == 1)
        // among other runs, such a log is passed over with its line (one diverging run does not stop the plot)
        let (runs, passedOver) = try LearningCurves.drawable([edge.path, root.appendingPathComponent("run-2").path])
        #expect(runs.count == 1 && passedOver.map(\.undrawable) == [true])
    }

    /// The same run named twice, directly and through a link, is one run of the plot, not two identical curves.
    @Test func aRunNamedTwiceIsPlottedOnce() throws {
        let (root, _) = try Self.makeRuns()
        let run = root.appendingPathComponent("hopper-0")
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: run)
        let out = root.appendingPathComponent("twice.svg").path
        try Plot.parse([run.path, run.path + "/", link.path, "--out", out]).run()
        let lines = try Self.parse(TestFiles.text(URL(fileURLWithPath: out))).filter { $0.name == "polyline" }
        #expect(lines.map { $0.attributes["data-runs"] } == ["1"])
    }

    @Test func csvQuotingAndTicks() {
        #expect(RunRecord.parseCSV("a,\"b,c\",\"d\"\"e\"\n1,,2\n") == [["a", "b,c", "d\"e"], ["1", "", "2"]])
        // rows end in CRLF after a quoted field as after a plain one
        #expect(
            RunRecord.parseCSV("\"n\",\"r\"\r\n\"1\",\"5\"\r\n2,6\r\n") == [["n", "r"], ["1", "5"], ["2", "6"]])
        let scale = AxisScale(covering: -93, 211, pixels: (0, 100))
        #expect(scale.ticks == [-100, 0, 100, 200, 300])
        #expect(abs(scale.value(atPixel: scale.pixel(42.5)) - 42.5) < 1e-9)
        #expect(AxisScale.label(100_000) == "100k" && AxisScale.label(-250) == "-250" && AxisScale.label(2.5) == "2.5")
        // text in the SVG stays XML: markup escaped, control characters (none allowed in XML 1.0) replaced
        #expect(escape("a<b & \"c\"\u{1}\td") == "a&lt;b &amp; &quot;c&quot;\u{FFFD}\td")
    }
}
