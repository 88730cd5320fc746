import Core
import Sim

/// What one replayed environment step produced.
public struct ReplayStep: Equatable, Sendable {
    /// The step's reward.
    public var reward: Double
    /// `.running` while the episode goes on; otherwise why it ended.
    public var end: EpisodeEnd

    /// A step result.
    public init(reward: Double, end: EpisodeEnd) {
        self.reward = reward
        self.end = end
    }
}

/// Drives a simulation through episodes for display: by a policy acting in the live environment, or by setting
/// recorded states. The viewer and the headless renderer draw whatever state ``simulation`` holds.
public protocol ReplaySource: AnyObject {
    /// Environment name shown in the overlay.
    var name: String { get }
    /// The simulation whose state is drawn.
    var simulation: Simulation { get }
    /// Number of episodes this source plays.
    var episodeCount: Int { get }
    /// Simulated seconds per step (for real-time playback and video frame rates).
    var dt: Double { get }
    /// Puts the simulation in the first state of episode `index` (0-based, < ``episodeCount``).
    func startEpisode(_ index: Int) throws
    /// Advances the current episode by one step.
    func step() throws -> ReplayStep
}

/// Maps observations to normalized actions in [-1, 1]^actionSize. A trained policy conforms by returning, for
/// example, its Gaussian's mean.
public protocol ActionPolicy: AnyObject {
    /// The action for `observation` (observationSize) as an array of actionSize entries.
    func action(observation: [Double]) -> [Double]
}

/// Uniform random actions in [-1, 1] from a seeded generator (the stand-in until a trained policy is loaded).
public final class UniformRandomPolicy: ActionPolicy {
    let actionSize: Int
    var rng: SplitMix64

    /// Draws actions of `actionSize` entries from `SplitMix64(seed:)`.
    public init(actionSize: Int, seed: UInt64) {
        self.actionSize = actionSize
        rng = SplitMix64(seed: seed)
    }

    /// actionSize fresh uniform draws in [-1, 1]; the observation is ignored.
    public func action(observation: [Double]) -> [Double] {
        (0..<actionSize).map { _ in rng.nextUniform(-1, 1) }
    }
}

/// Runs a policy in the live environment: episode `i` starts from `reset` with `SplitMix64(seed).derived(stream: i)`
/// and ends when the environment terminates it or after `horizon` steps.
public final class PolicyReplay: ReplaySource {
    public let environment: any MuJoCoEnvironment
    public let policy: any ActionPolicy
    public let episodeCount: Int
    let seed: UInt64
    public let horizon: Int
    let firstEpisode: Int
    var observation: [Double] = []
    var stepIndex = 0

    /// A replay of `episodes` episodes of at most `horizon` steps (default: the environment's horizon); the
    /// first uses stream `firstEpisode`.
    public init(
        environment: any MuJoCoEnvironment, policy: any ActionPolicy, episodes: Int, seed: UInt64,
        horizon: Int? = nil, firstEpisode: Int = 0
    ) {
        precondition(episodes >= 1, "a replay needs at least one episode, got \(episodes)")
        self.environment = environment
        self.policy = policy
        self.episodeCount = episodes
        self.seed = seed
        self.horizon = horizon ?? environment.spec.horizon
        self.firstEpisode = firstEpisode
    }

    public var name: String { environment.spec.name }
    public var simulation: Simulation { environment.simulation }
    public var dt: Double { environment.spec.dt }

    /// Resets the environment with the episode's own random stream.
    public func startEpisode(_ index: Int) throws {
        var rng = SplitMix64(seed: seed).derived(stream: UInt64(firstEpisode + index))
        observation = environment.reset(using: &rng)
        stepIndex = 0
    }

    /// Applies the policy's action for the current observation; `.truncated` at the horizon.
    public func step() throws -> ReplayStep {
        let result = try environment.step(policy.action(observation: observation))
        observation = result.observation
        stepIndex += 1
        let end = result.end == .running && stepIndex >= horizon ? EpisodeEnd.truncated : result.end
        return ReplayStep(reward: result.reward, end: end)
    }
}

/// A recorded trajectory that cannot be replayed on the given model.
public enum ReplayError: Error, Equatable, CustomStringConvertible {
    /// Trajectory `index` has state rows that do not fit the model.
    case stateShape(index: Int, expected: String, got: String)
    /// There is nothing to replay.
    case noTrajectories

    public var description: String {
        switch self {
        case .stateShape(let index, let expected, let got):
            return "trajectory \(index) cannot be replayed on this model: expected \(expected), got \(got)"
        case .noTrajectories:
            return "no trajectories to replay"
        }
    }
}

/// Replays recorded states: each frame sets `qpos`/`qvel` from the trajectory's rows and runs a forward pass, so
/// the picture is exactly what was recorded, whatever policy produced it.
public final class RecordedReplay: ReplaySource {
    public let name: String
    public let simulation: Simulation
    public let trajectories: [Trajectory]
    let nq: Int, nv: Int
    /// Seconds between recorded states (the recording run's dt, which may differ from `simulation`'s).
    public let dt: Double
    /// Steps after which each episode is cut (`--steps`), nil for whole episodes.
    public let steps: Int?
    var episode = 0
    var row = 0

    /// Checks that every trajectory holds (length + 1) rows of nq positions and nv velocities for `simulation`;
    /// `dt` is the recording's step (default: the simulation's); `steps` cuts each episode after that many steps, as
    /// a time limit would.
    public init(
        name: String, simulation: Simulation, trajectories: [Trajectory], dt: Double? = nil, steps: Int? = nil
    ) throws {
        guard !trajectories.isEmpty else { throw ReplayError.noTrajectories }
        let nq = simulation.model.nq, nv = simulation.model.nv
        for (index, trajectory) in trajectories.enumerated() {
            let rows = trajectory.length + 1
            guard trajectory.qpos.count == rows * nq, trajectory.qvel.count == rows * nv else {
                throw ReplayError.stateShape(
                    index: index,
                    expected: "\(rows) rows of qpos (\(nq)) and qvel (\(nv)) for \(trajectory.length) steps",
                    got: "\(trajectory.qpos.count) qpos and \(trajectory.qvel.count) qvel values")
            }
        }
        self.name = name
        self.simulation = simulation
        self.trajectories = trajectories
        (self.nq, self.nv) = (nq, nv)
        self.dt = dt ?? simulation.dt
        self.steps = steps
    }

    public var episodeCount: Int { trajectories.count }

    /// Sets the first recorded state of trajectory `index`.
    public func startEpisode(_ index: Int) throws {
        (episode, row) = (index, 0)
        try setRow()
    }

    /// Sets the next recorded state and reports the recorded reward.
    public func step() throws -> ReplayStep {
        let trajectory = trajectories[episode]
        let length = min(trajectory.length, steps ?? trajectory.length)
        // a recording cut by the sampler's time limit may still say .running, and one cut here ends as a time limit
        let finalEnd =
            trajectory.end == .running || length < trajectory.length ? EpisodeEnd.truncated : trajectory.end
        guard row < length else { return ReplayStep(reward: 0, end: finalEnd) }
        row += 1
        try setRow()
        return ReplayStep(reward: trajectory.rewards[row - 1], end: row == length ? finalEnd : .running)
    }

    func setRow() throws {
        let trajectory = trajectories[episode]
        try simulation.setState(
            qpos: Array(trajectory.qpos[row * nq..<(row + 1) * nq]),
            qvel: Array(trajectory.qvel[row * nv..<(row + 1) * nv]))
    }
}
