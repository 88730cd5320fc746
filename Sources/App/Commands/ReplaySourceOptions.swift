import ArgumentParser
import Core
import Sim
import Viewer

/// Reads a trained policy for replay: a run directory (its latest checkpoint) or one checkpoint file.
///
/// A checkpoint reader conforms to this and is installed in ``ReplayReaders/policy``; `--run`/`--checkpoint` then
/// replay the policy (its mean action) in the live environment through ``PolicyReplay``.
protocol PolicyCheckpointReader {
    /// The environment the policy was trained on, its timing overrides (nil: the task's own), and the policy.
    func loadPolicy(run: String?, checkpoint: String?, assets: String?) throws -> TrainedPolicy
}

/// A policy read from a checkpoint, with the environment (and timing) it was trained in.
struct TrainedPolicy {
    let environment: EnvironmentID
    let timestep: Double?
    let frameSkip: Int?
    let policy: any ActionPolicy
}

/// Reads recorded episodes (full qpos/qvel per step) from a trajectory file.
///
/// A trajectory-file reader conforms to this and is installed in ``ReplayReaders/trajectories``; `--trajectories`
/// then replays the recorded states through ``RecordedReplay``.
protocol TrajectoryFileReader {
    /// The environment the episodes were recorded in, its step (seconds), and the episodes.
    func loadTrajectories(path: String) throws -> (environment: EnvironmentID, dt: Double, trajectories: [Trajectory])
}

/// The readers this build has; nil where none exists yet.
enum ReplayReaders {
    static let policy: (any PolicyCheckpointReader)? = CheckpointPolicyReader()
    static let trajectories: (any TrajectoryFileReader)? = HDF5TrajectoryReader()
}

/// A replay input this build cannot read, or inconsistent replay options.
enum ReplayInputError: Error, CustomStringConvertible {
    case readerMissing(String)
    case environmentMismatch(given: String, recorded: String)
    case noSuchEpisode(index: Int, count: Int, path: String)

    var description: String {
        switch self {
        case .readerMissing(let what):
            return "\(what) not available: this build has no checkpoint/trajectory reader yet; "
                + "use --env NAME for random actions"
        case .environmentMismatch(let given, let recorded):
            return "--env \(given) does not match the environment '\(recorded)' of the recorded input"
        case .noSuchEpisode(let index, let count, let path):
            return "\(path): no episode \(index); the file holds \(count) (0…\(count - 1))"
        }
    }
}

/// What to replay: `--env` with random actions, a trained policy (`--run`/`--checkpoint`), or recorded states
/// (`--trajectories`). Shared by `replay` and `render`.
struct ReplaySourceOptions: ParsableArguments {
    @Option(
        help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).",
        completion: .environments, transform: EnvironmentID.argument)
    var env: EnvironmentID?

    @Option(help: "Random seed of the start states and random actions.")
    var seed: UInt64 = 0

    @Option(
        help: ArgumentHelp(
            "Stop each episode after this many steps (default: the environment's horizon; a recorded episode's "
                + "whole length)."))
    var steps: Int?

    @Option(help: "Training run directory: replay its latest policy checkpoint.")
    var run: String?

    @Option(help: "Policy checkpoint file to replay.")
    var checkpoint: String?

    @Option(help: "Trajectory file: replay its recorded states.")
    var trajectories: String?

    @Option(help: "First episode to play (0-based): of the trajectory file, or the start-state stream of a policy.")
    var episode: Int = 0

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if env == nil && run == nil && checkpoint == nil && trajectories == nil {
            throw ValidationError("pass --env NAME (or --run DIR, --checkpoint FILE or --trajectories FILE)")
        }
        if trajectories != nil && (run != nil || checkpoint != nil) {
            throw ValidationError(
                "--trajectories replays recorded states; it cannot be combined with --run/--checkpoint")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if episode < 0 { throw ValidationError("--episode must not be negative, got \(episode)") }
    }

    /// Builds the replay source for `episodes` episodes (recorded input: at most that many of its episodes).
    func makeSource(episodes: Int) throws -> any ReplaySource {
        if let path = trajectories {
            guard let reader = ReplayReaders.trajectories else {
                throw ReplayInputError.readerMissing("trajectory files")
            }
            let (id, dt, recorded) = try reader.loadTrajectories(path: path)
            try checkEnvironment(recorded: id)
            guard episode < recorded.count else {
                throw ReplayInputError.noSuchEpisode(index: episode, count: recorded.count, path: path)
            }
            let environment = try id.make(assets: assetOptions.assets)
            return try RecordedReplay(
                name: id.rawValue, simulation: environment.simulation,
                trajectories: Array(recorded.dropFirst(episode).prefix(episodes)), dt: dt, steps: steps)
        }
        if run != nil || checkpoint != nil {
            guard let reader = ReplayReaders.policy else { throw ReplayInputError.readerMissing("policy checkpoints") }
            let trained = try reader.loadPolicy(run: run, checkpoint: checkpoint, assets: assetOptions.assets)
            try checkEnvironment(recorded: trained.environment)
            let environment = try trained.environment.make(
                assets: assetOptions.assets, timestep: trained.timestep,
                frameSkip: trained.frameSkip)
            return PolicyReplay(
                environment: environment, policy: trained.policy,
                episodes: episodes, seed: seed, horizon: steps, firstEpisode: episode)
        }
        guard let id = env else { throw ValidationError("pass --env NAME") }
        let environment = try id.make(assets: assetOptions.assets)
        // actions use their own stream so that they never correlate with the start states' noise
        var actionStream = SplitMix64(seed: seed).derived(stream: 1 << 32)
        let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: actionStream.next())
        return PolicyReplay(environment: environment, policy: policy, episodes: episodes, seed: seed, horizon: steps)
    }

    func checkEnvironment(recorded: EnvironmentID) throws {
        if let env, env != recorded {
            throw ReplayInputError.environmentMismatch(given: env.rawValue, recorded: recorded.rawValue)
        }
    }
}

extension RenderQuality: ExpressibleByArgument {}
