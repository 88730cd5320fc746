import ArgumentParser
import Cluster
import Foundation
import Learner
import TensorBoard

/// What a training run shows and records besides `progress.csv`: the live display, the TensorBoard event file,
/// and the stop at a safe point (Ctrl-C, a signal, the time limit).
///
/// The loop calls, per iteration: ``phase(_:)`` as phases start, ``finished(_:)`` once the row is written, and
/// ``stopIfRequested(folder:completed:finished:stop:)`` last, at the safe point where every file of the iteration is complete.
final class TrainingOutput {
    let display: ProgressDisplay
    let events: TensorBoardWriter
    let iterations: Int

    /// Installs the Ctrl-C handler, opens the event file in the run folder and prints the header.
    /// - Parameters:
    ///   - completed: iterations already done (a resumed run continues counting from there).
    ///   - kernelHint: whether the header may suggest other OpenBLAS kernels for speed (not for a run resumed with
    ///     the kernels of its last iteration, which other ones would take off its uninterrupted results).
    init(config: TrainingConfig, folder: URL, verbosity: Verbosity, completed: Int = 0, kernelHint: Bool = true) throws
    {
        // the handler goes in first: once the event file exists, Ctrl-C is handled
        Interruption.install()
        if Interruption.isRequested {
            // it came during the setup, while the handler (installed first thing) kept quiet
            FileHandle.standardError.write(
                Data("a stop signal came during the setup: stopping after this iteration's results are written\n".utf8))
        }
        iterations = config.plannedIterations
        events = try TensorBoardWriter(folder: folder)
        try events.appendConfiguration(config)
        // Open MPI gives each rank a pseudo-terminal whatever mpirun's own output is (often a log file): under an MPI
        // launcher, per-iteration lines only
        display = ProgressDisplay(
            iterations: config.plannedIterations, completed: completed, verbosity: verbosity,
            interactive: isatty(STDOUT_FILENO) != 0 && !MPICommunicator.isLaunchedByMPI)
        display.start(config: config, folder: folder.path, kernelHint: kernelHint)
    }

    /// The current phase, for the live display.
    func phase(_ name: String) {
        display.phase(name)
    }

    /// Records a finished iteration's metrics (TensorBoard) and shows its line.
    func finished(_ log: IterationLog) throws {
        try events.append(log)
        display.finished(log)
    }

    /// The safe point: after a Ctrl-C, or when the time limit leaves no room for another iteration, stops the run
    /// here with the exit status of the signal (130 for Ctrl-C) or of the time limit (75) and says how to continue.
    /// Call it last in the loop body, after every per-iteration file (rows, events, checkpoint) is written.
    func stopIfRequested(folder: URL, completed: Int, finished: Bool, stop: StopRequest) throws {
        // a Ctrl-C during the last iteration changes nothing: the run is complete
        guard let code = stop.exitCode, !finished else { return }
        display.close()
        let message =
            "\(stop.reason): stopped after iteration \(completed) of \(iterations); its results are in "
            + "\(folder.path). Continue with: mbmpo train --resume \(folder.path)\n"
        FileHandle.standardError.write(Data(message.utf8))
        throw ExitCode(code)
    }

    /// The final line; restores the default Ctrl-C behaviour.
    func done(folder: URL) {
        Interruption.uninstall(ignoringLauncherStops: true)
        display.done(folder: folder.path)
    }
}

extension TensorBoardWriter {
    /// Appends one event holding every value of `log`, tagged with its `progress.csv` column name under a group
    /// (``tag(for:)``). The step of each point is the iteration's `n_timesteps` (real environment steps as the
    /// original counts them), so curves of different algorithms line up.
    func append(_ log: IterationLog, now: Date = Date()) throws {
        let step = Int64(log["n_timesteps"] ?? log["Iteration"] ?? 0)
        try append(zip(log.keys, log.values).map { (tag: Self.tag(for: $0), value: $1) }, step: step, now: now)
    }

    /// The TensorBoard tag of a `progress.csv` column: the column's name (the original's keys) under its group,
    /// `rollout/` (real returns), `imagined/` (model returns), `model/`, `policy/`, `time/` or `progress/`.
    static func tag(for key: String) -> String {
        let group: String
        if key.hasPrefix("Time-") {
            group = "time"
        } else if key.hasPrefix("PrePolicy-") || key.hasPrefix("PostPolicy-") || key.hasPrefix("EnvTrajs-") {
            group = "rollout"
        } else if key.hasPrefix("DynTrajs") {
            group = "imagined"
        } else if key.hasSuffix("PerModel") || key.hasPrefix("Model") {
            group = "model"
        } else if key == "Iteration" || key == "n_timesteps" || key == "RealSteps" {
            group = "progress"
        } else {
            group = "policy"
        }
        return "\(group)/\(key)"
    }

    /// The configuration as Markdown text (tag `config`) and as hyperparameters (one per setting, dotted keys; lists
    /// and nulls as their JSON text).
    func appendConfiguration(_ config: TrainingConfig, now: Date = Date()) throws {
        let tree = try ConfigurationFile.tree(of: config)
        try appendText("```json\n\(try tree.prettyText())\n```", tag: "config", now: now)
        var hparams: [(name: String, value: HyperparameterValue)] = []
        func flatten(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members):
                for key in members.keys.sorted() { flatten(members[key]!, path.isEmpty ? key : "\(path).\(key)") }
            case .integer(let x): hparams.append((path, .number(Double(x))))
            case .unsigned(let x): hparams.append((path, .number(Double(x))))
            case .number(let x): hparams.append((path, .number(x)))
            case .bool(let b): hparams.append((path, .flag(b)))
            case .string(let s): hparams.append((path, .text(s)))
            case .null, .array: hparams.append((path, .text(value.compactText)))
            }
        }
        flatten(tree, "")
        try appendHyperparameters(hparams, now: now)
    }
}
