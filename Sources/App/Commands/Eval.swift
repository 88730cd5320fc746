import ArgumentParser
import Core
import Foundation
import Learner
import Sim
import Storage

/// `mbmpo eval`: scores a trained controller in the real environment, like Stable-Baselines3's `evaluate_policy`.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a trained policy (MB-MPC: its planner) in the real environment: mean ± std of the return.",
        discussion: """
            Episode k starts from reset stream k of --seed and lasts at most the run's horizon, so a score is \
            reproducible from the seed alone and does not depend on --threads. The checkpoint is checked the way \
            `train --resume` checks it. With --policy adapted (MB-MPO), episode k acts with the checkpoint's \
            adapted parameters θ'_i of task k mod M. With --recorded it rolls nothing out and reads the run's \
            recorded real episodes (trajectories.h5) instead: per iteration and kind, their return and, for a planar \
            robot, how much of them the torso spent upside down, so that one sees when a flipped gait began.
            """)

    @OptionGroup var choice: CheckpointChoice

    @Option(help: "Number of episodes (default: 10).")
    var episodes: Int?

    @Option(help: "Seed of the start states and action noise (default: 0).")
    var seed: UInt64?

    @Option(help: "Parameters that act: pre (θ) or adapted (θ'_i of task episode mod M; MB-MPO only).")
    var policy: ExportPolicy = .pre

    @Flag(help: "Act with the policy's mean instead of sampling (no effect on MB-MPC's planner).")
    var deterministic = false

    @Option(help: "Also write the scores as JSON to this file.")
    var json: String?

    @Flag(help: "Score the run's recorded real episodes per iteration instead of new ones (needs --run).")
    var recorded = false

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        if let episodes, episodes < 1 || episodes > 1_000_000 {
            throw ValidationError("--episodes must lie in 1…1000000, got \(episodes)")
        }
        if recorded {
            guard choice.runFolder != nil else {
                throw ValidationError("--recorded reads a run folder's episodes: pass --run DIR")
            }
            let conflicts = [
                choice.checkpoint.map { _ in "--checkpoint" }, choice.iteration.map { _ in "--iteration" },
                episodes.map { _ in "--episodes" },
                seed.map { _ in "--seed" },
                policy == .adapted ? "--policy" : nil, deterministic ? "--deterministic" : nil,
            ].compactMap { $0 }
            guard conflicts.isEmpty else {
                throw ValidationError(
                    "--recorded reads the episodes the run recorded; \(conflicts.joined(separator: ", ")) "
                        + (conflicts.count == 1 ? "applies" : "apply") + " only to new episodes")
            }
        }
    }

    func run() throws {
        if recorded, let runFolder = choice.runFolder { return try scoreRecorded(run: runFolder) }
        let (episodes, seed) = (self.episodes ?? 10, self.seed ?? 0)
        let path = try choice.path()
        let (saved, setup) = try TrainingSetup.checkedCheckpoint(
            path, run: choice.runFolder.map { URL(fileURLWithPath: $0, isDirectory: true) },
            assets: assetOptions.assets)
        let state = saved.state
        let environment = try setup.id.make(model: setup.model, frameSkip: state.config.frameSkip)
        let (controllers, controllerName, _) = try PolicyEpisodes.controllers(
            setup, state: state, spec: environment.spec, path: path, adapted: policy == .adapted,
            deterministic: deterministic)
        let paths = try (0..<episodes).map { k in
            try PolicyEpisodes.run(
                environment, seed: seed, episode: k, horizon: state.config.sampling.horizon,
                act: controllers[k % controllers.count])
        }
        try PolicyEpisodes.checkNoneDiverged(paths)
        let returns = paths.map(\.totalReward), lengths = paths.map { Double($0.length) }
        let pitch = TorsoPitch(model: setup.model)
        let upsideDown = pitch.map { pitch in paths.map { pitch.upsideDownStates(qpos: $0.qpos) } } ?? []
        let score = Score(returns: returns, lengths: lengths)
        let file = URL(fileURLWithPath: path).lastPathComponent
        print(
            "\(state.config.environment), \(state.config.algorithm.rawValue), \(controllerName) of \(file) "
                + "(\(state.iteration) iterations, n_timesteps \(Int(state.loggedTimesteps))): return "
                + "\(format(score.returns.mean, decimals: 2)) ± \(format(score.returns.standardDeviation, decimals: 2)) "
                + "(min \(format(score.returns.minimum, decimals: 2)), max \(format(score.returns.maximum, decimals: 2))) "
                + "over \(episodes) episodes, length \(format(score.lengths.mean, decimals: 1)) ± "
                + "\(format(score.lengths.standardDeviation, decimals: 1))")
        let posture = pitch.map { _ in Posture(upsideDown) }
        if let posture { print(posture.line) }
        if let json {
            var fields: [String: JSONValue] = [
                "checkpoint": .string(path), "environment": .string(state.config.environment),
                "algorithm": .string(state.config.algorithm.rawValue), "iteration": .integer(Int64(state.iteration)),
                "nTimesteps": .integer(Int64(state.loggedTimesteps)), "policy": .string(policy.rawValue),
                "deterministic": .bool(deterministic), "seed": .unsigned(seed), "episodes": .integer(Int64(episodes)),
                "returnMean": .number(score.returns.mean), "returnStd": .number(score.returns.standardDeviation),
                "returnMin": .number(score.returns.minimum), "returnMax": .number(score.returns.maximum),
                "lengthMean": .number(score.lengths.mean), "lengthStd": .number(score.lengths.standardDeviation),
                "returns": .array(returns.map { .number($0) }), "lengths": .array(lengths.map { .number($0) }),
            ]
            fields["upsideDownFraction"] = posture.map { .number($0.fraction) } ?? .null
            fields["upsideDownEpisodes"] = posture.map { .integer(Int64($0.episodes)) } ?? .null
            try AtomicFile.write(text: try JSONValue.object(fields).prettyText() + "\n", to: json)
        }
    }

    /// How much of the episodes a planar robot spent upside down (``TorsoPitch``): the share of all their states,
    /// and the episodes upside down for more than half of their own states (half-cheetah's flipped gait).
    struct Posture {
        let fraction: Double
        let episodes: Int
        let count: Int

        init(_ counts: [(upsideDown: Int, states: Int)]) {
            count = counts.count
            let states = counts.reduce(0) { $0 + $1.states }
            fraction = states > 0 ? Double(counts.reduce(0) { $0 + $1.upsideDown }) / Double(states) : 0
            episodes = counts.filter { 2 * $0.upsideDown > $0.states }.count
        }

        var line: String {
            "torso upside down (pitch past ±90°) in \(format(100 * fraction, decimals: 1)) % of the states; "
                + "\(episodes) of \(count) episodes upside down for more than half of theirs"
        }
    }

    /// Population statistics of the returns and lengths, as the training logs give them.
    struct Score {
        let returns: ReturnStatistics
        let lengths: ReturnStatistics

        init(returns: [Double], lengths: [Double]) {
            self.returns = ReturnStatistics(returns)
            self.lengths = ReturnStatistics(lengths)
        }
    }
}
