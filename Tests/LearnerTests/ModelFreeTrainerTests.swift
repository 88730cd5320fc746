import Core
import Learner
import Testing
import _TestSupport

/// The model-free trainers through the whole trainer path (sampler, advantages, policy update) on the point-mass
/// task: they learn it.
@Suite(.serialized) struct ModelFreeTrainerTests {
    static let modelFree = Algorithm.allCases.filter { !$0.trainerType.learnsDynamics }

    /// 20 environments of 50-step episodes per iteration (1 000 steps), the paper's policy; TRPO 25 iterations, PPO
    /// (many small Adam steps at a fixed rate: slower per sample on this task) 60.
    static func config(_ algorithm: Algorithm) -> TrainingConfig {
        var config = TinyTraining.config(algorithm, seed: 10, threads: 2, iterations: algorithm == .ppo ? 60 : 25)
        config.sampling.horizon = 50
        config.sampling.realRolloutsPerTask = 20
        config.policy.hiddenSizes = [32, 32]
        return config
    }

    @Test(arguments: modelFree)
    func learnsThePointMass(_ algorithm: Algorithm) throws {
        let config = Self.config(algorithm)
        try config.validate()
        let trainer = TinyTraining.trainer(config)
        let returns = try (0..<config.iterations).map { _ in
            try #require(try trainer.runIteration { _ in }.log["EnvTrajs-AverageReturn"])
        }
        let first = returns.prefix(3).reduce(0, +) / 3, last = returns.suffix(3).reduce(0, +) / 3
        // the initial policy scores about −60; reaching the goal and staying there scores about −20
        #expect(last - first > 25, "returns \(returns)")
        #expect(last > -30, "returns \(returns)")
        #expect(trainer.context.loggedTimesteps == config.iterations * 1_000)
    }
}
