import Core
import Foundation
import Learner
import Sim
import Storage

/// The one writer of a training run's per-iteration files: every real rollout to `trajectories.h5`, the progress
/// row to `progress.csv`, a checkpoint in `checkpoints/` holding the trainer state and every progress row so far,
/// then the TensorBoard event and the display line.
///
/// ``record(_:trainer:)`` writes them in that order, the crash-safe order of `docs/storage.md`: a crash between any
/// two steps is repaired by resuming, which drops trajectories and progress rows past the checkpoint.
final class RunWriter {
    let trajectories: TrajectoryStore
    let checkpoints: CheckpointDirectory
    let progress: ProgressWriter

    /// Opens the run's files; `resumed` is the checkpoint a resumed run continues from (its progress rows are
    /// written again, the trajectory store continues after its iteration).
    init(
        run: URL, config: TrainingConfig, spec: EnvironmentSpec, model: MuJoCoModel, keep: Int,
        resumed: Checkpoint?
    ) throws {
        let header = TrajectoryHeader(
            environment: config.environment, algorithm: config.algorithm.rawValue,
            seed: config.seed, rolloutsPerTask: config.sampling.realRolloutsPerTask,
            observationSize: spec.observationSize, actionSize: spec.actionSize,
            nq: model.nq, nv: model.nv, dt: spec.dt)
        trajectories = try TrajectoryStore(
            run: run, header: header, tailoredExploration: config.meta.tailoredExploration,
            firstIteration: resumed?.state.iteration ?? 0)
        checkpoints = CheckpointDirectory(run: run, keep: keep)
        progress = try ProgressWriter(url: run.appendingPathComponent("progress.csv"))
        for row in resumed?.progress ?? [] { try progress.append(row) }
    }

    /// Records a finished iteration of `trainer`, the TensorBoard event and display line through `output` last.
    func record(_ result: IterationResult, trainer: any Trainer, output: TrainingOutput) throws {
        for batch in result.trajectories { trajectories.add(batch.kind, batch.paths) }
        try trajectories.commit(iteration: result.iteration)
        try progress.append(result.log)
        try checkpoints.save(Checkpoint(state: trainer.captureState(), progress: progress.logs))
        try output.finished(result.log)
    }

    /// Fails unless files can be created in `folder` (checked before a resumed run changes anything).
    static func checkWritable(_ folder: URL) throws {
        let probe = folder.appendingPathComponent(".mbmpo-write-check")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data("ok".utf8)) else {
            throw StorageError.io(path: folder.path, reason: "the run folder is not writable")
        }
        try? FileManager.default.removeItem(at: probe)
    }
}
