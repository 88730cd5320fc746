import Core
import Foundation
import Learner
import Sim
import Storage

/// The storage side of a training run: every real rollout to `trajectories.h5`, and after every iteration a
/// checkpoint in `checkpoints/` holding the trainer state and the progress rows so far.
///
/// Per iteration, in this order: ``commitTrajectories(iteration:)``, the progress row, ``checkpoint(_:log:)``. A crash
/// between any two steps is repaired by resuming: trajectories and progress rows past the checkpoint are dropped.
final class RunRecorder {
    let trajectories: TrajectoryStore
    let checkpoints: CheckpointDirectory
    private(set) var progress: [IterationLog]

    /// Attaches to `trainer` (its real rollouts go to the trajectory store); `resumed` is the checkpoint a resumed
    /// run continues from.
    init(run: URL, config: TrainingConfig, trainer: any Trainer, model: MuJoCoModel, keep: Int,
         resumed: Checkpoint?) throws {
        let spec = trainer.context.spec
        let header = TrajectoryHeader(environment: config.environment, algorithm: config.algorithm.rawValue,
                                      seed: config.seed, rolloutsPerTask: config.sampling.realRolloutsPerTask,
                                      observationSize: spec.observationSize, actionSize: spec.actionSize,
                                      nq: model.nq, nv: model.nv, dt: spec.dt)
        trajectories = try TrajectoryStore(run: run, header: header, firstIteration: resumed?.state.iteration ?? 0)
        checkpoints = CheckpointDirectory(run: run, keep: keep)
        progress = resumed?.progress ?? []
        let store = trajectories
        trainer.context.onRealTrajectories = { kind, paths in store.add(kind, paths) }
    }

    /// Writes the real rollouts of iteration `iteration` (0-based).
    func commitTrajectories(iteration: Int) throws {
        try trajectories.commit(iteration: iteration)
    }

    /// Saves the trainer state after an iteration whose progress row is `log`.
    func checkpoint(_ trainer: any Trainer, log: IterationLog) throws {
        progress.append(log)
        try checkpoints.save(Checkpoint(state: trainer.captureState(), progress: progress))
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
