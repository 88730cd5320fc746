import Foundation
import Learner

/// Terminal output of a training run: a status line per phase on a terminal, one line per iteration always.
final class ProgressDisplay {
    let iterations: Int
    let quiet: Bool
    let interactive: Bool
    private let start = Date()
    private var iterationSeconds: [Double] = []

    init(iterations: Int, quiet: Bool) {
        self.iterations = iterations
        self.quiet = quiet
        interactive = isatty(STDOUT_FILENO) != 0
    }

    func start(config: TrainingConfig, folder: String) {
        guard !quiet else { return }
        print("\(config.algorithm.rawValue) on \(config.environment), seed \(config.seed), "
            + "\(config.iterations) iterations, \(config.threads) thread(s) → \(folder)")
    }

    /// Shows the current phase (terminals only; overwritten by the next line).
    func phase(_ name: String, iteration: Int) {
        guard interactive && !quiet else { return }
        let text = "  itr \(iteration + 1)/\(iterations)  \(name)…"
        print("\r" + text.padding(toLength: 72, withPad: " ", startingAt: 0), terminator: "")
        fflush(stdout)
    }

    /// One line per finished iteration: steps, returns, model fit, time and ETA.
    func finished(_ log: IterationLog, iteration: Int) {
        let seconds = log["Time-Itr"] ?? 0
        iterationSeconds.append(seconds)
        guard !quiet else { return }
        let remaining = Double(iterations - iteration) * (iterationSeconds.suffix(5).reduce(0, +)
            / Double(min(iterationSeconds.count, 5)))
        var parts = ["itr \(iteration)/\(iterations)", "steps \(Int(log["n_timesteps"] ?? 0))"]
        if let pre = log["PrePolicy-AverageReturn"] { parts.append("pre \(format(pre, decimals: 1))") }
        if let post = log["PostPolicy-AverageReturn"] { parts.append("post \(format(post, decimals: 1))") }
        if let real = log["EnvTrajs-AverageReturn"] { parts.append("explore \(format(real, decimals: 1))") }
        if let epochs = log["AvgEpochsPerModel"] { parts.append("fit \(format(epochs, decimals: 0)) ep") }
        parts.append("\(format(seconds, decimals: 1)) s")
        parts.append("ETA \(duration(remaining))")
        let line = parts.joined(separator: " | ")
        print(interactive ? "\r" + line.padding(toLength: max(72, line.count), withPad: " ", startingAt: 0) : line)
        fflush(stdout)
    }

    func done(folder: String) {
        print("done in \(duration(Date().timeIntervalSince(start))); results in \(folder)/progress.csv")
    }
}

/// "1h 02m", "3m 05s", "12s".
func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
    if h > 0 { return "\(h)h \(m < 10 ? "0" : "")\(m)m" }
    if m > 0 { return "\(m)m \(s < 10 ? "0" : "")\(s)s" }
    return "\(s)s"
}
