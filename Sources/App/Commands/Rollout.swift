import ArgumentParser
import Core
import Dispatch
import Foundation
import Learner
import Sim
import Storage

/// `mbmpo rollout`: uniform random actions in the real environment.
struct Rollout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run episodes with uniform random actions; print the return's mean and std and env steps/s.",
        discussion: """
            With --record DIR the episodes are written to DIR/trajectories.h5 in the run format (docs/storage.md: \
            iteration 0, kind random; observations, actions, rewards, qpos and qvel of every step), which replay, \
            render, export and scripts/gymnasium_parity.py read.
            """)

    @Option(
        help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).",
        completion: .environments, transform: EnvironmentID.argument)
    var env: EnvironmentID

    @Option(help: "Number of episodes.")
    var episodes: Int = 20

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads stepping the environments.")
    var threads: Int = 1

    @Option(help: "Environments stepped in lockstep (results do not depend on --threads).")
    var envs: Int = 20

    @Option(help: "Write the episodes to DIR/trajectories.h5 (DIR must not hold one yet).", completion: .directory)
    var record: String?

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard envs >= 1 else { throw ValidationError("--envs must be at least 1, got \(envs)") }
        if let record, FileManager.default.fileExists(atPath: record + "/trajectories.h5") {
            throw ValidationError("--record: '\(record)' already holds a trajectories.h5; choose another folder")
        }
    }

    func run() throws {
        let id = env
        let model = try id.loadModel(assets: assetOptions.assets)
        let sampler = try VectorSampler(
            id: id, model: model, count: min(envs, episodes), seed: seed,
            threads: threads)
        var actionRNG = SplitMix64(seed: seed).derived(stream: 1 << 32)
        let start = DispatchTime.now().uptimeNanoseconds
        let paths = try withUnsafeMutablePointer(to: &actionRNG) { rng in
            try sampler.sample(
                horizon: sampler.spec.horizon, stop: .episodes(episodes),
                policy: uniformRandomPolicy(using: rng))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let record { try write(paths, to: record, spec: sampler.spec, model: model) }
        try PolicyEpisodes.checkNoneDiverged(paths)
        let returns = paths.map(\.totalReward)
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        let steps = paths.reduce(0) { $0 + $1.length }
        let ends = paths.filter(\.terminated).count
        print(
            "\(id.rawValue): \(paths.count) episodes, \(steps) steps, return \(format(mean, decimals: 2)) "
                + "± \(format(std, decimals: 2)) (mean ± std), \(ends) ended early, "
                + "\(format(Double(steps) / seconds, decimals: 0)) env steps/s on \(sampler.threads) thread(s)")
    }

    /// Writes `paths` as iteration 0, kind random, of a trajectory file in `folder` (created if missing).
    private func write(_ paths: [Trajectory], to folder: String, spec: EnvironmentSpec, model: MuJoCoModel) throws {
        let run = URL(fileURLWithPath: folder, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--record: cannot create the folder '\(folder)'")
        }
        let header = TrajectoryHeader(
            environment: env.rawValue, algorithm: "uniform-random", seed: seed, rolloutsPerTask: 1,
            observationSize: spec.observationSize, actionSize: spec.actionSize, nq: model.nq, nv: model.nv, dt: spec.dt)
        let store = try TrajectoryStore(run: run, header: header)
        store.add(.random, paths)
        try store.commit(iteration: 0)
    }
}
