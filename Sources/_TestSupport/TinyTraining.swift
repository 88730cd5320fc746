import Core
import Learner

/// Tiny point-mass training setups shared by the trainer, state and storage tests.
public enum TinyTraining {
    /// 4 tasks, 2 members, horizon 10, tiny networks: one iteration takes well under a second.
    public static func config(
        _ algorithm: Algorithm, seed: UInt64 = 3, threads: Int = 1,
        iterations: Int = 2
    ) -> TrainingConfig {
        var config = TrainingConfig.paper(algorithm, environment: "point-mass")
        config.seed = seed
        config.threads = threads
        config.iterations = iterations
        config.sampling.horizon = 10
        config.sampling.initialRandomSteps = 60
        config.sampling.imaginedRolloutsPerTask = 2
        config.sampling.imaginedSteps = algorithm == .meTRPO ? 50 : 0
        if algorithm.trainerType.learnsDynamics {
            config.meta.metaBatchSize = 4
        } else {
            config.sampling.realRolloutsPerTask = 4  // model-free: one batch of 4 environments
        }
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

    /// A trainer of `config.algorithm` on point-mass environments (real and imagined) with the config's horizon.
    public static func trainer(_ config: TrainingConfig) -> any Trainer {
        var pointMass = PointMass.Config()
        pointMass.horizon = config.sampling.horizon
        let real = VectorSampler(
            environments: (0..<config.realEnvironments).map { _ in PointMass(config: pointMass) },
            seed: config.seed, threads: config.threads)
        let environment = PointMass(config: pointMass)
        return config.makeTrainer(real: real, environment: environment)
    }
}
