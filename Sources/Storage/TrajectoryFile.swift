import Core
import Foundation
import Learner

/// Attributes of one recorded episode.
public struct EpisodeMetadata: Equatable, Sendable {
    /// Outer iteration that collected it (0-based).
    public var iteration: Int
    /// Rollout kind (`random`, `exploration`, `pre-update`, `post-update`).
    public var kind: String
    /// Which controller acted (`uniform-random`, `pre-update`, `adapted`, `policy`, `mpc`).
    public var policy: String
    /// Index of the real environment (its reset stream is derived from the seed and this index).
    public var environment: Int
    /// Task index (MB-MPO: environment / rollouts per task), −1 when the rollout serves no task.
    public var task: Int
    /// The run's seed.
    public var seed: UInt64

    /// Metadata from its parts.
    public init(iteration: Int, kind: String, policy: String, environment: Int, task: Int, seed: UInt64) {
        self.iteration = iteration
        self.kind = kind
        self.policy = policy
        self.environment = environment
        self.task = task
        self.seed = seed
    }
}

/// One episode read back from a trajectory file.
public struct RecordedEpisode: Equatable, Sendable {
    /// Where and how it was collected.
    public var metadata: EpisodeMetadata
    /// The steps, with qpos/qvel for replay.
    public var trajectory: Trajectory
}

/// The trajectory file format: per-episode groups of datasets (schema in `docs/storage.md`).
public enum TrajectoryFile {
    /// Value of the root attribute `format`.
    public static let format = "mbmpo-trajectories"
    /// Value of the root attribute `format_version`.
    public static let version: Int64 = 1

    /// `episode-KKKK`.
    static func episodeName(_ index: Int) -> String {
        "episode-" + String(repeating: "0", count: max(0, 4 - String(index).count)) + String(index)
    }

    /// The controller of a rollout kind under an algorithm; `tailored: false` (MB-MPO without tailored
    /// exploration) makes the exploration rollouts θ's, `policy`.
    static func policyName(kind: RealRolloutKind, algorithm: String, tailored: Bool = true) -> String {
        switch kind {
        case .random: return "uniform-random"
        case .preUpdate: return "pre-update"
        case .postUpdate: return "adapted"
        case .exploration:
            // only MB-MPO's rollouts serve tasks, and only its exploration can be tailored (MB-MPC's stays `mpc`)
            let trainer = Algorithm(rawValue: algorithm)?.trainerType
            return tailored || trainer?.realRolloutsServeTasks != true
                ? trainer?.explorationPolicyName ?? "policy" : "policy"
        }
    }

    /// The task an episode served: for an algorithm whose real rollouts serve tasks (MB-MPO), rollouts other than
    /// the random phase map environment j to task j / rolloutsPerTask (exploration only where it is tailored, as
    /// θ acts for every task otherwise); everything else −1.
    static func task(
        kind: RealRolloutKind, algorithm: String, environment: Int, rolloutsPerTask: Int, tailored: Bool = true
    ) -> Int {
        guard Algorithm(rawValue: algorithm)?.trainerType.realRolloutsServeTasks == true, kind != .random,
            tailored || kind != .exploration
        else {
            return -1
        }
        return environment / max(rolloutsPerTask, 1)
    }

    /// Writes one episode's datasets and attributes into the group `group`.
    static func writeEpisode(
        _ path: Trajectory, metadata: EpisodeMetadata, header: TrajectoryHeader,
        into file: HDF5File, at group: String
    ) throws {
        let steps = path.length, o = header.observationSize, a = header.actionSize
        try file.write(path.observations + path.finalObservation, shape: [steps + 1, o], at: "\(group)/observations")
        try file.write(path.actions, shape: [steps, a], at: "\(group)/actions")
        try file.write(path.appliedActions, shape: [steps, a], at: "\(group)/applied_actions")
        try file.write(path.rewards, shape: [steps], at: "\(group)/rewards")
        var terminations = [Bool](repeating: false, count: steps), truncations = terminations
        if steps > 0 {
            terminations[steps - 1] = path.terminated
            truncations[steps - 1] = path.truncated
        }
        try file.write(terminations, shape: [steps], at: "\(group)/terminations")
        try file.write(truncations, shape: [steps], at: "\(group)/truncations")
        let rows = path.qpos.isEmpty ? 0 : steps + 1
        try file.write(path.qpos, shape: [rows, rows == 0 ? 0 : header.nq], at: "\(group)/qpos")
        try file.write(path.qvel, shape: [rows, rows == 0 ? 0 : header.nv], at: "\(group)/qvel")
        try file.setAttribute("iteration", Int64(metadata.iteration), at: group)
        try file.setAttribute("kind", metadata.kind, at: group)
        try file.setAttribute("policy", metadata.policy, at: group)
        try file.setAttribute("environment", Int64(metadata.environment), at: group)
        try file.setAttribute("task", Int64(metadata.task), at: group)
        try file.setAttribute("seed", metadata.seed, at: group)
        try file.setAttribute("length", Int64(steps), at: group)
        try file.setAttribute("return", path.totalReward, at: group)
        try file.setAttribute("end", endName(path.end), at: group)
        if case .diverged(let reason) = path.end { try file.setAttribute("end_reason", reason, at: group) }
    }

    static func endName(_ end: EpisodeEnd) -> String {
        switch end {
        case .running: return "running"
        case .terminated: return "terminated"
        case .truncated: return "truncated"
        case .diverged: return "diverged"
        }
    }
}
