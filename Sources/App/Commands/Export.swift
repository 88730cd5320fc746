import ArgumentParser
import Core
import Foundation
import Learner
import Sim
import Storage

extension ExportFormat: ExpressibleByArgument {}

/// Which parameters act in an export: the meta-policy θ or its stored per-task adaptations θ'_i.
enum ExportPolicy: String, ExpressibleByArgument, CaseIterable {
    case pre, adapted
}

/// `mbmpo export`: rolls out a checkpoint's policy in the real environment and writes an offline-RL dataset.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Roll out a trained policy in the real environment and write a Minari or D4RL HDF5 dataset.",
        discussion: """
            Episode k starts from a reset with stream k of --seed and lasts at most the run's horizon: the episodes \
            `mbmpo eval` scores with the same seed. With --policy adapted (MB-MPO), episode k acts with the \
            checkpoint's exploration parameters of task k mod M; an MB-MPC run acts with its planner. \
            A Minari file named main_data.hdf5 also gets metadata.json beside it, so that its folder loads with \
            minari.MinariDataset(folder).
            """)

    @OptionGroup var choice: CheckpointChoice

    @Option(help: "Number of episodes.")
    var episodes: Int

    @Option(help: "Output HDF5 file.")
    var out: String

    @Option(name: .customLong("format"), help: "Dataset layout: minari or d4rl.")
    var datasetFormat: ExportFormat = .minari

    @Option(help: "Parameters that act: pre (θ) or adapted (θ'_i of task episode mod M; MB-MPO only).")
    var policy: ExportPolicy = .pre

    @Option(help: "Seed of the start states and action noise.")
    var seed: UInt64 = 0

    @Flag(help: "Act with the policy's mean instead of sampling (no effect on MB-MPC's planner).")
    var deterministic = false

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
    }

    func run() throws {
        let path = try choice.path()
        try Self.refuseRunFile(out, run: choice.run, checkpoint: path)
        let (saved, setup) = try TrainingSetup.checkedCheckpoint(
            path, run: choice.runFolder.map { URL(fileURLWithPath: $0, isDirectory: true) },
            assets: assetOptions.assets)
        let state = saved.state
        let id = setup.id
        let environment = try id.make(model: setup.model, frameSkip: state.config.frameSkip)
        // MB-MPC's episodes are its planner's, as `eval` scores them; the others act with θ (or θ'_i)
        let (controllers, _, planner) = try PolicyEpisodes.controllers(
            setup, state: state, spec: environment.spec, path: path, adapted: policy == .adapted,
            deterministic: deterministic)
        var paths: [Trajectory] = [], tasks: [Int] = []
        for k in 0..<episodes {
            let task = policy == .adapted ? k % controllers.count : -1
            paths.append(
                try PolicyEpisodes.run(
                    environment, seed: seed, episode: k, horizon: state.config.sampling.horizon,
                    act: controllers[max(task, 0)]))
            tasks.append(task)
        }
        // a dataset of diverged episodes is as meaningless as their score: refused as `eval` refuses them
        try PolicyEpisodes.checkNoneDiverged(paths)
        let policyName = planner ? "planner" : policy.rawValue
        var info = ExportInfo(
            environment: id.rawValue, algorithm: state.config.algorithm.rawValue,
            policy: policyName, checkpointIteration: state.iteration, seed: seed,
            deterministic: deterministic, observationSize: environment.spec.observationSize,
            actionSize: environment.spec.actionSize, nq: environment.simulation.model.nq,
            nv: environment.simulation.model.nv)
        info.gymnasiumEnvSpec = id.gymnasiumEnvSpec
        // a Minari dataset is a folder (`exports/data/main_data.hdf5`): make the file's folder where it is missing
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StorageError.io(path: out, reason: "cannot create its folder \(folder.path)")
        }
        try DatasetExport.write(paths, tasks: tasks, info: info, format: datasetFormat, to: out)
        let steps = paths.reduce(0) { $0 + $1.length }
        let mean = paths.reduce(0) { $0 + $1.totalReward } / Double(paths.count)
        print(
            "\(id.rawValue): \(paths.count) episodes, \(steps) steps, mean return \(format(mean, decimals: 2)) "
                + "(\(planner ? "the MPC planner" : "\(policy.rawValue) policy") of "
                + "\(URL(fileURLWithPath: path).lastPathComponent)) → \(out) "
                + "[\(datasetFormat.rawValue)]")
    }

    /// Refuses an output that is one of the run's own files: in its `checkpoints` or `trajectories` folder, or its
    /// `trajectories.h5` (a dataset written over a checkpoint would leave the run unable to resume), or the
    /// checkpoint read itself (where it lies outside a run folder).
    static func refuseRunFile(_ out: String, run: URL?, checkpoint: String) throws {
        let target = URL(fileURLWithPath: out)
        let folder = canonicalPath(target.deletingLastPathComponent().path)
        var own = false
        if let run {
            own =
                ["checkpoints", "trajectories"].map { canonicalPath(run.appendingPathComponent($0).path) }
                .contains(folder)
                || canonicalPath(out) == canonicalPath(run.appendingPathComponent("trajectories.h5").path)
        }
        if own || canonicalPath(out) == canonicalPath(checkpoint) {
            throw ResumeError(
                description: own
                    ? "--out \(out) is one of the run's own files (checkpoints, trajectories); choose another path"
                    : "--out \(out) is the checkpoint being read; choose another path")
        }
    }
}
