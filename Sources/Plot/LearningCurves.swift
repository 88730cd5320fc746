import Core

/// Learning curves as the paper's figures draw them (its `plots/plot_utils_mb.py`): the real return against real
/// environment steps, mean ± standard deviation over the runs of one environment and algorithm.
///
/// - MB-MPO plots `PrePolicy-AverageReturn` (the meta-policy before adaptation, in the real environment),
///   shifted left by half an iteration's steps ((n_1 − n_0)/2), as the paper does for its method.
/// - The baselines plot `EnvTrajs-AverageReturn` (their exploration rollouts).
/// - Any other run plots the first of those two it has.
public enum LearningCurves {
    /// One run's points (x: `n_timesteps` after the shift; y: the return).
    struct Curve: Equatable {
        var metric: String
        var shift: Double
        var points: [(x: Double, y: Double)]

        static func == (a: Curve, b: Curve) -> Bool {
            a.metric == b.metric && a.shift == b.shift && a.points.elementsEqual(b.points) { $0 == $1 }
        }
    }

    /// The mean and population standard deviation at one x over the runs that reached it.
    public struct Point: Equatable {
        public var x: Double
        public var mean: Double
        public var standardDeviation: Double
        public var runs: Int
    }

    /// The runs of one environment, algorithm and simulation timing, aggregated.
    public struct Series {
        public var environment: String
        public var algorithm: String
        /// How the runs' timing differs from the paper preset's
        /// (``TrainingConfig/timingDifference(environment:timestep:frameSkip:)``), "" when it does not.
        public var timing: String = ""
        /// The runs' values of the settings the plot labels by (``RunRecord/settings``), "" for none.
        public var settings: String = ""
        public var runs: Int
        public var metric: String
        public var points: [Point]
        /// Steps per episode of the runs (``RunRecord/horizon``; the first run's).
        public var horizon: Int = 200

        /// The legend's name: the algorithm, the timing when it is not the paper preset's, and the labelled settings.
        public var label: String { [algorithm, timing, settings].filter { !$0.isEmpty }.joined(separator: ", ") }
    }

    /// The column a run's curve uses.
    static func metric(for run: RunRecord) -> String? {
        let preferred =
            run.algorithm == "mb-mpo"
            ? ["PrePolicy-AverageReturn", "EnvTrajs-AverageReturn"]
            : ["EnvTrajs-AverageReturn", "PrePolicy-AverageReturn"]
        return preferred.first { name in run.columns[name]?.contains { $0 != nil } ?? false }
    }

    /// The run's curve: rows with both `n_timesteps` and the metric. A `progress.csv` with an `n_timesteps` column
    /// but no return logged yet (only its random-data iteration done) is a problem marked
    /// ``RunRecord/Problem/nothingLoggedYet``; one without that column is not a run's log, a plain problem.
    static func curve(of run: RunRecord) throws -> Curve {
        guard let steps = run.columns["n_timesteps"] else {
            throw RunRecord.Problem(message: "'\(run.folder)/progress.csv' has no n_timesteps column")
        }
        let nothingYet = RunRecord.Problem(
            message: "'\(run.folder)/progress.csv' has no return logged yet "
                + "(PrePolicy-AverageReturn or EnvTrajs-AverageReturn)", nothingLoggedYet: true)
        guard let metric = metric(for: run), let values = run.columns[metric] else { throw nothingYet }
        try checkDrawable(run, steps: steps, values: values, metric: metric)
        let known = steps.compactMap { $0 }
        let shift = run.algorithm == "mb-mpo" && known.count >= 2 ? (known[1] - known[0]) / 2 : 0
        let points = zip(steps, values).compactMap { step, value in
            step.flatMap { x in value.map { (x: x - shift, y: $0) } }
        }
        guard !points.isEmpty else { throw nothingYet }
        return Curve(metric: metric, shift: shift, points: points)
    }

    /// The largest magnitude of a step count or return the chart draws; beyond it a log is taken for damaged (a
    /// return of 1e300 would overflow the axes' arithmetic), not drawn.
    static let largestDrawn = 1e15

    /// Refuses a log the chart cannot draw truthfully: `n_timesteps` that do not increase from row to row, or a step
    /// count or return beyond ``largestDrawn``; rows are counted from 1 after the header.
    static func checkDrawable(_ run: RunRecord, steps: [Double?], values: [Double?], metric: String) throws {
        let file = "'\(run.folder)/progress.csv'"
        func shown(_ value: Double) -> String {
            value == value.rounded() && abs(value) <= largestDrawn ? String(Int(value)) : "\(value)"
        }
        var previous: Double?
        for (index, step) in steps.enumerated() {
            for (name, value) in [("n_timesteps", step), (metric, values[index])] {
                if let value, abs(value) > largestDrawn {
                    throw RunRecord.Problem(
                        message:
                            "\(file) row \(index + 1): \(name) \(shown(value)) is beyond what a plot draws (±1e15)",
                        undrawable: true)
                }
            }
            guard let step else { continue }
            if let previous, step <= previous {
                throw RunRecord.Problem(
                    message: "\(file) row \(index + 1): n_timesteps \(shown(step)) does not increase (the row before "
                        + "has \(shown(previous)))", undrawable: true)
            }
            previous = step
        }
    }

    /// The runs of `folders` that have a curve to draw, and the problems of those passed over because they have
    /// logged no return yet (a run just started, or a folder of runs that includes one) or a log no chart draws
    /// (``checkDrawable(_:steps:values:metric:)``); any other problem is thrown, and so is the first passed-over one
    /// when no run is left.
    public static func drawable(
        _ folders: [String], labelKeys: [String] = []
    ) throws -> (
        runs: [RunRecord], passedOver: [RunRecord.Problem]
    ) {
        var runs: [RunRecord] = [], passedOver: [RunRecord.Problem] = []
        for folder in folders {
            do {
                let run = try RunRecord(folder: folder, labelKeys: labelKeys)
                _ = try curve(of: run)
                runs.append(run)
            } catch let problem as RunRecord.Problem where problem.passedOver {
                passedOver.append(problem)
            }
        }
        if runs.isEmpty, let first = passedOver.first { throw first }
        return (runs, passedOver)
    }

    /// Groups runs by (environment, algorithm, timing, labelled settings) and averages their curves at every x any
    /// of them has.
    public static func series(of runs: [RunRecord]) throws -> [Series] {
        var groups: [String: [RunRecord]] = [:]
        var order: [String] = []
        for run in runs {
            let key = [run.environment, run.algorithm, run.timing, run.settings].joined(separator: "\u{0}")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        return try order.compactMap { key in
            guard let members = groups[key], let first = members.first else { return nil }
            let curves = try members.map(curve)
            var byX: [Double: [Double]] = [:]
            for curve in curves { for point in curve.points { byX[point.x, default: []].append(point.y) } }
            let points = byX.keys.sorted().map { x -> Point in
                let ys = byX[x] ?? []
                let (mean, standardDeviation) = meanAndStandardDeviation(ys)
                return Point(x: x, mean: mean, standardDeviation: standardDeviation, runs: ys.count)
            }
            return Series(
                environment: first.environment, algorithm: first.algorithm, timing: first.timing,
                settings: first.settings, runs: members.count,
                metric: curves.first?.metric ?? "", points: points, horizon: first.horizon)
        }
    }
}

/// Published results drawn as reference marks (pre-update return in the real environment, horizon 200).
public struct PublishedAnchor: Equatable {
    let environment: String
    /// Real environment steps.
    let steps: Double
    let averageReturn: Double
    /// Who measured it, for the legend.
    let source: String

    /// The MB-MPO numbers the RLlib team reports for the original code and for its port (ray-project/
    /// rl-experiments, MB-MPO section and run logs).
    public static let all: [PublishedAnchor] = [
        PublishedAnchor(environment: "half-cheetah", steps: 100_000, averageReturn: 550, source: "original code"),
        PublishedAnchor(environment: "half-cheetah", steps: 100_000, averageReturn: 520, source: "RLlib"),
        PublishedAnchor(environment: "hopper", steps: 100_000, averageReturn: 650, source: "original code"),
        PublishedAnchor(environment: "hopper", steps: 100_000, averageReturn: 620, source: "RLlib"),
    ]
}
