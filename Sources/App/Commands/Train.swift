import ArgumentParser
import Core
import Foundation
import Learner
import Sim
import Storage

/// `mbmpo train`: MB-MPO (or a baseline) on one task, writing a run directory.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Train MB-MPO or a baseline (--algo) on a task; writes config.json, progress.csv, TensorBoard events, "
            + "trajectories.h5 and checkpoints to the run folder.")

    @Option(help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).")
    var env: String?

    @Option(help: "Algorithm: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")) (default mb-mpo).")
    var algo: String?

    @Option(
        help: ArgumentHelp(
            "Settings preset: paper (the paper's hyperparameters; hopper and walker2d at the original code's final "
                + "0.02 s step), submission (the same with the 0.008 s step of the code submitted with the paper) "
                + "or quick (a short demonstration run)."))
    var preset: TrainingPreset = .paper

    @Option(help: "Random seed.")
    var seed: UInt64?

    @Option(help: "Outer iterations (paper: 100).")
    var iterations: Int?

    @Option(help: "Worker threads (results are identical for any value).")
    var threads: Int?

    @Option(help: "A JSON configuration file applied on top of the preset (unknown keys are rejected).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set dynamics.learningRate=3e-4 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Run folder (default: runs/ENV-ALGO-sSEED).")
    var out: String?

    @Flag(help: "Print only errors and the final line.")
    var quiet = false

    @Flag(help: "Print every phase as it starts and every metric of every iteration.")
    var verbose = false

    @OptionGroup var assetOptions: AssetOptions

    @OptionGroup var checkpointOptions: CheckpointOptions

    func run() throws {
        let resumed = try checkpointOptions.resume.map { try resumePoint($0, iterations: iterations, threads: threads) }
        let config = try resumed?.config ?? resolvedConfiguration()
        let id = try EnvironmentID(parsing: config.environment)
        let model = try id.loadModel(assets: assetOptions.assets, timestep: config.physicsTimestep)
        let real = try VectorSampler(
            id: id, model: model, count: config.realEnvironments, seed: config.seed,
            threads: config.threads, frameSkip: config.frameSkip)
        let imaginationEnvironment = try id.make(model: model, frameSkip: config.frameSkip)
        let trainer = config.makeTrainer(real: real, environment: imaginationEnvironment)
        if let resumed { try restore(trainer, from: resumed) }
        let folder = resumed?.folder ?? out ?? "runs/\(config.environment)-\(config.algorithm.rawValue)-s\(config.seed)"
        let run = try RunDirectory(path: folder, creating: resumed == nil)
        try run.writeConfiguration(config)
        let writer = try RunWriter(
            run: run.url, config: config, spec: trainer.context.spec, model: model,
            keep: checkpointOptions.keepCheckpoints, resumed: resumed?.checkpoint)
        let output = try TrainingOutput(
            config: config, folder: run.url,
            verbosity: quiet ? .quiet : verbose ? .verbose : .normal,
            completed: trainer.context.iteration)
        while trainer.context.iteration < config.iterations {
            let result = try trainer.runIteration { phase in output.phase(phase) }
            try writer.record(result, trainer: trainer, output: output)
            // safe point: this iteration's rows, trajectories and checkpoint are written; a Ctrl-C stops the run here
            try output.stopIfInterrupted(folder: run.url, completed: trainer.context.iteration)
        }
        output.done(folder: run.url)
    }

    /// Preset → --config file → --set overrides → explicit flags, validated (the same path as `config show`).
    func resolvedConfiguration() throws -> TrainingConfig {
        try ConfigurationInputs(
            environment: env, algorithm: algo, preset: preset, file: config, overrides: overrides,
            seed: seed, iterations: iterations, threads: threads
        ).resolve()
    }
}
