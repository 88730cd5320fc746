import Dispatch
import Foundation
import Learner
import Storage

/// How much a training run prints.
enum Verbosity {
    /// Errors and the final line only.
    case quiet
    /// A live status line on a terminal and one line per iteration.
    case normal
    /// Also every phase as it starts and every metric of every iteration.
    case verbose
}

/// Terminal output of a training run.
///
/// On a terminal a status line is redrawn in place (every second and at every phase change): a bar over the
/// iterations, the ETA, the current phase with its elapsed time, and the latest real return. Every finished
/// iteration also prints a permanent line, which is all that is printed when standard output is not a terminal.
final class ProgressDisplay {
    let iterations: Int
    let verbosity: Verbosity
    let interactive: Bool
    /// Columns of the status line.
    let width: Int
    private let output: (String) -> Void
    private let clock: () -> Double
    private let lock = NSLock()
    private let started: Double
    private var iterationStarted: Double
    private var phaseStarted: Double
    private var iterationSeconds: [Double] = []
    private var phase = "starting"
    private var completed = 0
    private var latestReturn: String?
    private var ticker: DispatchSourceTimer?

    /// - Parameters: output: receives raw text (default: standard output, flushed); clock: seconds.
    init(
        iterations: Int, completed: Int = 0, verbosity: Verbosity, interactive: Bool = isatty(STDOUT_FILENO) != 0,
        width: Int = terminalWidth(), output: @escaping (String) -> Void = standardOutput,
        clock: @escaping () -> Double = monotonicSeconds
    ) {
        self.iterations = iterations
        self.completed = completed
        self.verbosity = verbosity
        self.interactive = interactive && verbosity != .quiet
        self.width = max(width, 40)
        self.output = output
        self.clock = clock
        started = clock()
        iterationStarted = started
        phaseStarted = started
    }

    deinit { ticker?.cancel() }

    /// OpenBLAS kernel families older than AVX2, which it falls back to on a CPU it does not recognize.
    static let preAVX2Kernels: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood",
        "banias", "opteron", "barcelona",
    ]

    /// A hint when OpenBLAS runs kernels well below what the CPU supports, nil otherwise: when `OPENBLAS_CORETYPE`
    /// holds it to its AVX2 kernels on a CPU with AVX-512 (whose kernels fit the models ≈ 1.5× faster), or when,
    /// not told, it fell back to pre-AVX2 kernels on a CPU it does not recognize (Debian 12's OpenBLAS 0.3.21 takes
    /// Prescott on 5th-generation Xeons, family 6 model 207, where SkylakeX's kernels fit ≈ 3.6× faster).
    static func kernelNote(coreName: String, forced: String?, cpuFlags: Set<String>) -> String? {
        if forced?.isEmpty ?? true, preAVX2Kernels.contains(coreName.lowercased()), cpuFlags.contains("avx2") {
            let better = cpuFlags.contains("avx512f") ? "SkylakeX" : "Haswell"
            return "note: OpenBLAS does not recognize this CPU and chose its \(coreName) kernels; with "
                + "OPENBLAS_CORETYPE=\(better) model fitting runs several times faster (results differ in the last bits)"
        }
        guard let forced, !forced.isEmpty, cpuFlags.contains("avx512f"),
            ["haswell", "zen", "sandybridge"].contains(coreName.lowercased())
        else { return nil }
        return "note: OPENBLAS_CORETYPE=\(forced) selects OpenBLAS's \(coreName) kernels on a CPU with AVX-512; "
            + "without it (or with SkylakeX) model fitting runs ≈ 1.5× faster (results differ in the last bits)"
    }

    /// " (timestep 0.004 s, frame skip 5)" when the configuration overrides the task's simulation timing.
    static func timingNote(_ config: TrainingConfig) -> String {
        TrainingConfig.timingDescription(timestep: config.physicsTimestep, frameSkip: config.frameSkip)
            .map { " (\($0))" } ?? ""
    }

    /// The run's header line, with ``kernelNote(coreName:forced:cpuFlags:)`` under it where `kernelHint` allows;
    /// starts the once-a-second redraw on a terminal.
    func start(config: TrainingConfig, folder: String, kernelHint: Bool = true) {
        guard verbosity != .quiet else { return }
        emit(
            "\(config.algorithm.rawValue) on \(config.environment)\(Self.timingNote(config)), seed \(config.seed), "
                + "\(config.plannedIterations) iteration\(config.plannedIterations == 1 ? "" : "s")"
                + (config.totalSteps.map { " (budget \($0) real steps)" } ?? "")
                + ", \(config.threads) thread(s), OpenBLAS \(BLAS.coreName) kernels"
                + (config.dynamics.matrixPrecision == .bfloat16 ? ", bfloat16 model products" : "") + " → \(folder)\n")
        if kernelHint,
            let note = Self.kernelNote(
                coreName: BLAS.coreName,
                forced: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
                cpuFlags: CPUDescription.current.flags)
        {
            emit(note + "\n")
        }
        guard interactive else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.emit(nil) }
        timer.resume()
        ticker = timer
    }

    /// A new phase of the current iteration (`sampling`, `model fit`, `meta-step 3/30`, …).
    func phase(_ name: String) {
        lock.withLock {
            phase = name
            phaseStarted = clock()
        }
        if verbosity == .verbose {
            emit("  [\(format(clock() - started, decimals: 1)) s] itr \(completed + 1)/\(iterations) \(name)\n")
        } else {
            emit(nil)
        }
    }

    /// One permanent line per finished iteration (and every metric when verbose).
    func finished(_ log: IterationLog) {
        let now = clock()
        let seconds = log["Time-Itr"] ?? now - iterationStarted
        var text = ""
        lock.withLock {
            iterationSeconds.append(seconds)
            // the row's own iteration index, so that a resumed run counts on from its checkpoint
            completed = log["Iteration"].map { Int($0) + 1 } ?? completed + 1
            iterationStarted = now
            phaseStarted = now
            phase = completed < iterations ? "next iteration" : "done"
            if let real = log["PrePolicy-AverageReturn"] ?? log["EnvTrajs-AverageReturn"] {
                latestReturn = format(real, decimals: 1)
            }
            text = iterationLine(log, seconds: seconds) + "\n"
        }
        guard verbosity != .quiet else { return }
        if verbosity == .verbose {
            for (key, value) in zip(log.keys, log.values) { text += "    \(key) = \(ProgressWriter.format(value))\n" }
        }
        emit(text)
    }

    /// Clears the status line before a message goes to standard error; stops the redraw.
    func close() {
        ticker?.cancel()
        ticker = nil
        if interactive { output("\r\u{1B}[K") }
    }

    /// The final line (printed even when quiet).
    func done(folder: String) {
        close()
        output("done in \(duration(clock() - started)); results in \(folder)/progress.csv\n")
    }

    /// Seconds left: the projected durations of the iterations left (``projectedSeconds(of:count:)``), less the
    /// current one's elapsed time.
    func remainingSeconds(now: Double) -> Double? {
        guard !iterationSeconds.isEmpty else { return nil }
        let left = Self.projectedSeconds(of: iterationSeconds, count: iterations - completed)
        return max(0, left - (completed < iterations ? now - iterationStarted : 0))
    }

    /// The total duration of the next `count` iterations after `durations` (this session's finished iterations,
    /// in order). Iterations grow longer as the model fits a growing buffer, roughly linearly in the iteration
    /// number, so with three or more finished iterations a least-squares line through them (leaving out a first
    /// one that differs: the random-data iteration) is extended over the iterations left; with fewer, the last
    /// duration is repeated. Never below the last duration per iteration's share of the trend's floor at zero.
    static func projectedSeconds(of durations: [Double], count: Int) -> Double {
        guard count > 0, let last = durations.last else { return 0 }
        let points = durations.count >= 4 ? Array(durations.dropFirst()) : durations
        guard points.count >= 3 else { return last * Double(count) }
        let n = Double(points.count)
        let xs = (0..<points.count).map { Double($0) }
        let meanX = xs.reduce(0, +) / n, meanY = points.reduce(0, +) / n
        let sxx = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let sxy = zip(xs, points).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        let slope = max(0, sxy / sxx)  // iterations do not get shorter as data grows: a falling trend is noise
        let intercept = meanY - slope * meanX
        return (0..<count).reduce(0) { total, k in
            total + max(0, intercept + slope * Double(points.count + k))
        }
    }

    /// `[██████░░░░] 3/10 | ETA 1m 05s | meta-step 4/30 12s | return -65.9`, cut to the width.
    func statusLine(now: Double) -> String {
        let barWidth = 20
        let filled = iterations > 0 ? min(barWidth, completed * barWidth / iterations) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        var parts = ["[\(bar)] \(completed)/\(iterations)"]
        parts.append("ETA " + (remainingSeconds(now: now).map(duration) ?? "…"))
        parts.append("\(phase) \(duration(now - phaseStarted))")
        if let latestReturn { parts.append("return \(latestReturn)") }
        return String(parts.joined(separator: " | ").prefix(width - 1))
    }

    /// `itr 3/10 | steps 13000 | pre -65.9 | … | 22.4 s | ETA 19s`.
    func iterationLine(_ log: IterationLog, seconds: Double) -> String {
        var parts = ["itr \(completed)/\(iterations)", "steps \(Int(log["n_timesteps"] ?? 0))"]
        if let pre = log["PrePolicy-AverageReturn"] { parts.append("pre \(format(pre, decimals: 1))") }
        if let post = log["PostPolicy-AverageReturn"] { parts.append("post \(format(post, decimals: 1))") }
        if let real = log["EnvTrajs-AverageReturn"] { parts.append("explore \(format(real, decimals: 1))") }
        if let epochs = log["AvgEpochsPerModel"] { parts.append("fit \(format(epochs, decimals: 0)) ep") }
        parts.append("\(format(seconds, decimals: 1)) s")
        parts.append("ETA \(duration(remainingSeconds(now: clock()) ?? 0))")
        return parts.joined(separator: " | ")
    }

    /// Prints `text` (if any) above the status line and redraws the status line on a terminal.
    private func emit(_ text: String?) {
        lock.withLock {
            guard verbosity != .quiet else { return }
            if interactive {
                output("\r\u{1B}[K" + (text ?? "") + statusLine(now: clock()))
            } else if let text {
                output(text)
            }
        }
    }
}

/// Writes to standard output and flushes.
func standardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}

/// Columns of the terminal on standard output (100 when unknown).
func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
    return Int(size.ws_col)
}

/// "1h 02m", "3m 05s", "12s".
func duration(_ seconds: Double) -> String {
    let total = Int(max(0, seconds).rounded())
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
    if h > 0 { return "\(h)h \(m < 10 ? "0" : "")\(m)m" }
    if m > 0 { return "\(m)m \(s < 10 ? "0" : "")\(s)s" }
    return "\(s)s"
}
