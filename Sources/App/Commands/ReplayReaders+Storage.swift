import Core
import Foundation
import Learner
import Sim
import Storage
import Viewer

/// Replays a checkpoint's policy θ by its mean action.
struct CheckpointPolicyReader: PolicyCheckpointReader {
    func loadPolicy(run: String?, checkpoint: String?, assets: String?) throws -> TrainedPolicy {
        let folder = run.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let path =
            try checkpoint
            ?? CheckpointDirectory(run: folder ?? URL(fileURLWithPath: ".", isDirectory: true)).latestPath()
        let state = try TrainingSetup.checkedCheckpoint(path, run: folder, assets: assets).checkpoint.state
        let id = try EnvironmentID(parsing: state.config.environment)
        let buffer = state.ensemble.buffer
        let layout = PolicyLayout(
            observationSize: buffer.observationSize, actionSize: buffer.actionSize,
            config: state.config.policy)
        guard layout.parameterCount == state.policyParameters.count else {
            throw StorageError.malformed(path: path, reason: "the policy parameters do not fit the configuration")
        }
        let policy = MeanActionPolicy(GaussianMLPPolicy(layout: layout, parameters: state.policyParameters))
        return TrainedPolicy(
            environment: id, timestep: state.config.physicsTimestep,
            frameSkip: state.config.frameSkip, policy: policy)
    }
}

/// A Gaussian policy acting with its mean μ_θ(o).
final class MeanActionPolicy: ActionPolicy {
    let policy: GaussianMLPPolicy

    init(_ policy: GaussianMLPPolicy) { self.policy = policy }

    func action(observation: [Double]) -> [Double] { policy.means(observations: observation) }
}

/// Reads the recorded episodes of a trajectory file (a run's `trajectories.h5` or one iteration's file).
struct HDF5TrajectoryReader: TrajectoryFileReader {
    func loadTrajectories(path: String) throws -> (environment: EnvironmentID, dt: Double, trajectories: [Trajectory]) {
        let (header, episodes) = try TrajectoryFile.read(path)
        return (try EnvironmentID(parsing: header.environment), header.dt, episodes.map(\.trajectory))
    }
}
