import Core
import Foundation
import Learner
import Storage

/// Tiny point-mass trainers and scratch folders for the storage tests.
enum Fixture {
    /// 4 tasks, 2 members, horizon 10, tiny networks (well under a second per iteration).
    static func config(_ algorithm: Algorithm, seed: UInt64 = 3, iterations: Int = 3) -> TrainingConfig {
        var config = TrainingConfig.paper(algorithm, environment: "point-mass")
        config.seed = seed
        config.threads = 1
        config.iterations = iterations
        config.sampling.horizon = 10
        config.sampling.initialRandomSteps = 60
        config.sampling.imaginedRolloutsPerTask = 2
        config.sampling.imaginedSteps = algorithm == .meTRPO ? 50 : 0
        config.meta.metaBatchSize = 4
        config.meta.stepsPerIteration = 2
        config.dynamics.members = 2
        config.dynamics.hiddenSizes = [16, 16]
        config.dynamics.maxEpochs = 5
        config.dynamics.batchSize = 50
        config.policy.hiddenSizes = [8, 8]
        config.mpc.candidates = 16
        config.mpc.planningHorizon = 3
        return config
    }

    static func trainer(_ config: TrainingConfig) -> any Trainer {
        var pointMass = PointMass.Config()
        pointMass.horizon = config.sampling.horizon
        let real = VectorSampler(environments: (0..<config.realEnvironments).map { _ in PointMass(config: pointMass) },
                                 seed: config.seed, threads: config.threads)
        let environment = PointMass(config: pointMass)
        switch config.algorithm {
        case .mbMPO: return MBMPOTrainer(config: config, real: real, environment: environment)
        case .meTRPO: return METRPOTrainer(config: config, real: real, environment: environment)
        case .mbMPC: return MBMPCTrainer(config: config, real: real, environment: environment)
        }
    }

    /// A trainer after `iterations` iterations and its logs.
    static func trained(_ algorithm: Algorithm, iterations: Int) throws -> (any Trainer, [IterationLog]) {
        let trainer = Self.trainer(config(algorithm))
        let logs = try (0..<iterations).map { _ in try trainer.runIteration { _ in } }
        return (trainer, logs)
    }

    /// A fresh empty folder under the temporary directory.
    static func folder(_ name: String = #function) -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbmpo-storage-\(clean)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Progress rows without their wall-clock columns.
    static func values(_ logs: [IterationLog]) -> [[String: Double]] {
        logs.map { log in
            Dictionary(uniqueKeysWithValues: zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time-") })
        }
    }
}
