import ArgumentParser
import Core
import Foundation
import Learner
import Sim
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

/// Where a resumed run continues: its folder, the checkpoint (nil when the run stopped before its first one and
/// restarts from iteration 0) and the configuration to run with.
struct ResumePoint {
    let folder: String
    let saved: (path: String, checkpoint: Checkpoint)?
    let config: TrainingConfig

    /// How long the run's last logged iteration took (its `Time-Itr`), nil without a checkpoint.
    var lastIterationSeconds: Double? { saved?.checkpoint.progress.last?["Time-Itr"] }
}

/// A run that cannot be resumed, or flags that a resumed run cannot change.
struct ResumeError: Error, CustomStringConvertible {
    let description: String
}

extension Train {
    /// Loads the latest checkpoint of `folder` and checks it against the run's `config.json` and the flags; a
    /// folder without any checkpoint restarts from iteration 0 with its `config.json`.
    func resumePoint(_ folder: String, iterations: Int?, threads: Int?, totalSteps: Int?) throws -> ResumePoint {
        let changed = [
            ("--env", env != nil), ("--algo", algo != nil), ("--seed", seed != nil),
            ("--config", config != nil), ("--set", !overrides.isEmpty), ("--out", out != nil),
        ]
        .filter(\.1).map(\.0)
        if !changed.isEmpty {
            throw ResumeError(
                description: "--resume continues with the saved configuration; "
                    + "\(changed.joined(separator: ", ")) cannot be combined with it (only --iterations, --threads, "
                    + "--total-steps and --time-limit)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ResumeError(description: "\(folder): no such run folder")
        }
        let run = URL(fileURLWithPath: folder, isDirectory: true)
        let directory = CheckpointDirectory(run: run)
        var saved: (path: String, checkpoint: Checkpoint)?
        var resolved: TrainingConfig
        if directory.isEmpty {
            guard let recorded = try runConfiguration(run) else {
                throw ResumeError(
                    description: "\(folder): holds neither a checkpoint nor config.json; nothing to resume")
            }
            // A run stopped in its first iteration may have logged that iteration before its first checkpoint was
            // written; more rows than that mean the checkpoints are gone, and starting again would overwrite them.
            let logged = try loggedIterations(run)
            if logged > 1 {
                throw ResumeError(
                    description: "\(folder): progress.csv holds \(logged) iterations but there is no checkpoint "
                        + "(checkpoints/ is missing or empty); resuming would start again and overwrite them, so "
                        + "restore checkpoints/ or train into another folder")
            }
            resolved = recorded
        } else {
            let path = try directory.latestPath()
            let checkpoint = try CheckpointFile.read(path)
            resolved = checkpoint.state.config
            try checkAgainstRunConfiguration(run: run, checkpointPath: path, saved: resolved)
            saved = (path, checkpoint)
        }
        if let iterations { resolved.iterations = iterations }
        if let threads { resolved.threads = threads }
        if let totalSteps { resolved.totalSteps = totalSteps }
        if let saved, resolved.iterations < saved.checkpoint.state.iteration {
            throw ResumeError(
                description: "\(saved.path): the run has \(saved.checkpoint.state.iteration) iterations already; "
                    + "--iterations \(resolved.iterations) is fewer")
        }
        try resolved.validate()
        try RunWriter.checkWritable(run)
        return ResumePoint(folder: folder, saved: saved, config: resolved)
    }
}

/// The rows (iterations) in `run`/progress.csv: its non-empty lines after the header; 0 without the file.
func loggedIterations(_ run: URL) throws -> Int {
    let file = run.appendingPathComponent("progress.csv").path
    guard RegularFile.anythingExists(at: file) else { return 0 }
    let lines = try RegularFile.text(file).split(whereSeparator: \.isNewline)
    return max(0, lines.filter { !$0.allSatisfy(\.isWhitespace) }.count - 1)
}

/// The configuration in `run`/config.json (strict JSON), or nil when the folder has none.
func runConfiguration(_ run: URL) throws -> TrainingConfig? {
    let file = run.appendingPathComponent("config.json").path
    guard RegularFile.anythingExists(at: file) else { return nil }
    let text = try RegularFile.text(file)
    do {
        try StrictJSON.check(text)
        return try JSONDecoder().decode(TrainingConfig.self, from: Data(text.utf8))
    } catch let error as StrictJSONError {
        throw ResumeError(description: "\(file): not valid JSON: \(error)")
    } catch {
        throw ResumeError(description: "\(file): cannot be read as a configuration")
    }
}

/// The checkpoint must come from the run whose folder it is in (same environment and settings).
func checkAgainstRunConfiguration(run: URL, checkpointPath: String, saved: TrainingConfig) throws {
    guard var recorded = try runConfiguration(run) else { return }
    let file = run.appendingPathComponent("config.json").path
    if recorded.environment != saved.environment {
        throw ResumeError(
            description: "\(checkpointPath): checkpoint of '\(saved.environment)', but the run "
                + "folder trains '\(recorded.environment)' (\(file))")
    }
    (recorded.iterations, recorded.threads, recorded.totalSteps) = (saved.iterations, saved.threads, saved.totalSteps)
    if recorded != saved {
        throw ResumeError(description: "\(checkpointPath): checkpoint of another configuration than \(file)")
    }
}

/// What a run trains with: its task's model (loaded, checked), the memory its configuration needs (checked before
/// anything large is allocated) and the trainer. The same path builds a fresh run, a resumed one and the trainer
/// every command that reads a checkpoint restores it into, so each checks a checkpoint the way `--resume` does.
struct TrainingSetup {
    let id: EnvironmentID
    let model: MuJoCoModel
    let trainer: any Trainer

    init(config: TrainingConfig, assets: String?) throws {
        try config.validate()
        id = try EnvironmentID(parsing: config.environment)
        model = try id.loadModel(assets: assets, timestep: config.physicsTimestep)
        let imaginationEnvironment = try id.make(model: model, frameSkip: config.frameSkip)
        try MachineMemory.check(config, environment: imaginationEnvironment, model: model)
        let real = try VectorSampler(
            id: id, model: model, count: config.realEnvironments, seed: config.seed,
            threads: config.threads, frameSkip: config.frameSkip)
        trainer = config.makeTrainer(real: real, environment: imaginationEnvironment)
    }

    /// Restores `state`, read from `path`, naming the file if it does not fit (shapes, configuration, values that
    /// are not finite); nothing is written either way.
    func restore(_ state: TrainingState, from path: String) throws {
        do {
            try trainer.restore(state)
        } catch let error as TrainingStateError {
            throw ResumeError(description: "\(path): \(error)")
        }
    }

    /// The checkpoint at `path` (of the run folder `run`, whose `config.json` it must match, if given), checked by
    /// restoring it into a trainer of its own configuration (one thread), which comes with it.
    static func checkedCheckpoint(
        _ path: String, run: URL?, assets: String?
    ) throws -> (checkpoint: Checkpoint, setup: TrainingSetup) {
        let checkpoint = try CheckpointFile.read(path)
        if let run { try checkAgainstRunConfiguration(run: run, checkpointPath: path, saved: checkpoint.state.config) }
        var state = checkpoint.state
        state.config.threads = 1
        // bfloat16 model products only matter for training; a CPU without them can still check and use the policy
        if !state.config.dynamics.matrixPrecision.isSupported { state.config.dynamics.matrixPrecision = .float32 }
        do {
            let setup = try TrainingSetup(config: state.config, assets: assets)
            try setup.restore(state, from: path)
            return (checkpoint, setup)
        } catch let error as ConfigurationError {
            throw ResumeError(description: "\(path): the stored configuration is invalid: \(error)")
        }
    }
}
