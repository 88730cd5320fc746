import ArgumentParser
import Foundation
import Plot
import Storage

/// `mbmpo plot`: learning curves of one or more runs as SVG or PNG.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot learning curves (real return vs real environment steps, mean ± std over runs of the same "
            + "environment and algorithm) with the published MB-MPO results as reference marks.",
        discussion: """
            Each DIR is a run folder (config.json + progress.csv) or a folder of run folders; a run that has \
            logged no return yet (just started, or only its random-data iteration) is passed over with a line on \
            standard error, unless no run is left. MB-MPO plots \
            PrePolicy-AverageReturn shifted left by half an iteration, the baselines EnvTrajs-AverageReturn, as the \
            paper's figures do. An .svg name writes SVG (our own writer); a .png name renders that SVG with \
            rsvg-convert (Debian package librsvg2-bin).
            """)

    @Argument(help: "Run folders, or folders holding run folders.")
    var runs: [String]

    @Option(help: "Output file: NAME.svg or NAME.png.")
    var out: String

    @Option(
        name: .customLong("label-by"),
        help: ArgumentHelp(
            "A configuration key (e.g. meta.innerStepSize, repeatable): runs are grouped by its value as well, and "
                + "the legend names it.", valueName: "key"))
    var labelKeys: [String] = []

    func run() throws {
        let format = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard format == "svg" || format == "png" else {
            throw RunRecord.Problem(message: "--out must end in .svg or .png, got '\(out)'")
        }
        guard !runs.isEmpty else { throw RunRecord.Problem(message: "name at least one run folder") }
        // a run named twice (or through a link) is one run, not two of the same curve
        var seen = Set<String>()
        let folders = try runs.flatMap(RunRecord.runFolders).filter { seen.insert(canonicalPath($0)).inserted }
        let (records, passedOver) = try LearningCurves.drawable(folders, labelKeys: labelKeys)
        for problem in passedOver {
            FileHandle.standardError.write(Data("mbmpo plot: passing over \(problem.message)\n".utf8))
        }
        let (svg, series) = try learningCurveSVG(records)
        if format == "svg" {
            try writeChart(svg, to: out)
        } else {
            try renderChartPNG(svg, to: out)
        }
        let groups = series.map { "\($0.environment)/\($0.label) (\($0.runs) run\($0.runs == 1 ? "" : "s"))" }
        print("wrote \(out): " + groups.joined(separator: ", "))
    }

}

/// The learning-curve chart of `records` as SVG text.
func learningCurveSVG(_ records: [RunRecord]) throws -> (svg: String, series: [LearningCurves.Series]) {
    let series = try LearningCurves.series(of: records)
    return (LearningCurveChart(series: series, anchors: PublishedAnchor.all).svg(), series)
}

/// Writes `text` to `path` atomically, as a one-line error.
func writeChart(_ text: String, to path: String) throws {
    do {
        try AtomicFile.write(text: text, to: path)
    } catch {
        throw RunRecord.Problem(message: "cannot write '\(path)'")
    }
}

/// Renders `svg` to the PNG file `path` with `rsvg-convert`, which must be on PATH; into a temporary file renamed over
/// `path` once complete, so that a failed rendering leaves an existing `path` as it was.
func renderChartPNG(_ svg: String, to path: String) throws {
    guard let converter = findExecutable("rsvg-convert") else {
        throw RunRecord.Problem(
            message: "writing PNG needs rsvg-convert (apt-get install librsvg2-bin); or write an .svg file")
    }
    let temporary = FileManager.default.temporaryDirectory
        .appendingPathComponent("mbmpo-plot-\(ProcessInfo.processInfo.processIdentifier).svg")
    try writeChart(svg, to: temporary.path)
    defer { try? FileManager.default.removeItem(at: temporary) }
    do {
        try AtomicFile.write(path) { png in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: converter)
            process.arguments = ["--format", "png", "--output", png, temporary.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let line = message.split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)"
                throw RunRecord.Problem(message: "rsvg-convert could not write '\(path)': \(line)")
            }
        }
    } catch let problem as RunRecord.Problem {
        throw problem
    } catch {
        throw RunRecord.Problem(message: "cannot write '\(path)': \(error)")
    }
}

/// `path` with its links resolved and `.` and `..` taken out: two names of one file give the same text.
func canonicalPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
}

/// The first executable named `name` on PATH.
func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
