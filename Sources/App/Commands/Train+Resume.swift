import ArgumentParser
import Foundation
import Learner
import Storage

/// `mbmpo train` options for checkpoints and resuming.
struct CheckpointOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Continue the run in this folder from its latest checkpoint, with its saved "
                + "configuration (--iterations may extend it, --threads may change).", valueName: "dir"))
    var resume: String?

    @Option(help: "Checkpoints kept in RUN/checkpoints (the newest).")
    var keepCheckpoints: Int = 3

    func validate() throws {
        guard keepCheckpoints >= 1 else {
            throw ValidationError("--keep-checkpoints must be at least 1, got \(keepCheckpoints)")
        }
    }
}

/// Where a resumed run continues: its folder, the checkpoint and the configuration to run with.
struct ResumePoint {
    let folder: String
    let checkpointPath: String
    let checkpoint: Checkpoint
    let config: TrainingConfig
}

/// A run that cannot be resumed, or flags that a resumed run cannot change.
struct ResumeError: Error, CustomStringConvertible {
    let description: String
}

extension Train {
    /// Loads the latest checkpoint of `folder` and checks it against the run's `config.json` and the flags.
    func resumePoint(_ folder: String, iterations: Int?, threads: Int?) throws -> ResumePoint {
        let changed = [
            ("--env", env != nil), ("--algo", algo != nil), ("--seed", seed != nil),
            ("--config", config != nil), ("--set", !overrides.isEmpty), ("--out", out != nil),
        ]
        .filter(\.1).map(\.0)
        if !changed.isEmpty {
            throw ResumeError(
                description: "--resume continues with the saved configuration; "
                    + "\(changed.joined(separator: ", ")) cannot be combined with it (only --iterations and --threads)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ResumeError(description: "\(folder): no such run folder")
        }
        let run = URL(fileURLWithPath: folder, isDirectory: true)
        let path = try CheckpointDirectory(run: run).latestPath()
        let checkpoint = try CheckpointFile.read(path)
        var resolved = checkpoint.state.config
        try checkAgainstRunConfiguration(run: run, checkpointPath: path, saved: resolved)
        if let iterations { resolved.iterations = iterations }
        if let threads { resolved.threads = threads }
        guard resolved.iterations >= checkpoint.state.iteration else {
            throw ResumeError(
                description: "\(path): the run has \(checkpoint.state.iteration) iterations already; "
                    + "--iterations \(resolved.iterations) is fewer")
        }
        try resolved.validate()
        try RunWriter.checkWritable(run)
        return ResumePoint(folder: folder, checkpointPath: path, checkpoint: checkpoint, config: resolved)
    }

    /// The checkpoint must come from the run whose folder it is in (same environment and settings).
    func checkAgainstRunConfiguration(run: URL, checkpointPath: String, saved: TrainingConfig) throws {
        let file = run.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return }
        guard var recorded = try? JSONDecoder().decode(TrainingConfig.self, from: data) else {
            throw ResumeError(description: "\(file.path): cannot be read as a configuration")
        }
        if recorded.environment != saved.environment {
            throw ResumeError(
                description: "\(checkpointPath): checkpoint of '\(saved.environment)', but the run "
                    + "folder trains '\(recorded.environment)' (\(file.path))")
        }
        (recorded.iterations, recorded.threads) = (saved.iterations, saved.threads)
        if recorded != saved {
            throw ResumeError(
                description: "\(checkpointPath): checkpoint of another configuration than "
                    + "\(file.path)")
        }
    }
}

/// Restores `point` into `trainer`, naming the checkpoint if it does not fit.
func restore(_ trainer: any Trainer, from point: ResumePoint) throws {
    do {
        try trainer.restore(point.checkpoint.state)
    } catch let error as TrainingStateError {
        throw ResumeError(description: "\(point.checkpointPath): \(error)")
    }
}
