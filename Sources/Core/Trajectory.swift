/// One episode in struct-of-arrays form: every per-step quantity is one contiguous row-major array.
public struct Trajectory: Equatable, Sendable {
    /// Observation before each step (steps × observationSize).
    public var observations: [Double] = []
    /// Observation after the last step (observationSize).
    public var finalObservation: [Double] = []
    /// Raw normalized actions as the policy produced them (steps × actionSize).
    public var actions: [Double] = []
    /// Actions as applied to the actuators: scaled to the bounds and clipped (steps × actionSize).
    public var appliedActions: [Double] = []
    /// Real reward of each step (steps).
    public var rewards: [Double] = []
    /// Generalized positions before each step and after the last (steps + 1) × nq, for replay.
    public var qpos: [Double] = []
    /// Generalized velocities before each step and after the last (steps + 1) × nv, for replay.
    public var qvel: [Double] = []
    /// How the episode ended.
    public var end: EpisodeEnd = .running
    /// Index of the environment (in its sampler) that produced it; in MB-MPO environment j serves task j.
    public var environment: Int = 0

    public init() {}

    /// Number of steps taken.
    public var length: Int { rewards.count }

    /// Undiscounted return.
    public var totalReward: Double { rewards.reduce(0, +) }

    /// Whether the environment ended the episode (termination or divergence), as opposed to a time limit.
    public var terminated: Bool {
        switch end {
        case .terminated, .diverged: return true
        case .running, .truncated: return false
        }
    }

    /// Whether the step limit ended the episode.
    public var truncated: Bool { end == .truncated }
}
