import Core
import Learner
import Testing
import _TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end iterations of the three trainers on the point-mass task with tiny settings.
@Suite struct TrainerTests {
    static func tinyConfig(_ algorithm: Algorithm, seed: UInt64 = 3, threads: Int = 1) -> TrainingConfig {
        TinyTraining.config(algorithm, seed: seed, threads: threads)
    }

    static func makeTrainer(_ config: TrainingConfig) -> any Trainer { TinyTraining.trainer(config) }

    static func run(_ config: TrainingConfig) throws -> (logs: [IterationLog], trainer: any Trainer) {
        let trainer = makeTrainer(config)
        let logs = try (0..<config.iterations).map { _ in try trainer.runIteration { _ in }.log }
        return (logs, trainer)
    }

    @Test(
        "a real-step budget ends the run after the iteration that reaches it; plannedIterations says when",
        arguments: Algorithm.allCases)
    func realStepBudget(_ algorithm: Algorithm) throws {
        var config = Self.tinyConfig(algorithm)
        config.iterations = 50
        let first =
            algorithm.trainerType.learnsDynamics ? config.sampling.initialRandomSteps : config.realStepsPerIteration
        config.totalSteps = first + 2 * config.realStepsPerIteration - 1
        #expect(config.plannedIterations == 3)
        let trainer = Self.makeTrainer(config)
        var before: [Int] = []
        while !config.isFinished(completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
        {
            before.append(trainer.context.loggedTimesteps)
            _ = try trainer.runIteration { _ in }
        }
        #expect(trainer.context.loggedTimesteps >= config.totalSteps!)
        #expect(before.allSatisfy { $0 < config.totalSteps! })
        // model-free iterations log their completed episodes' steps (at least realStepsPerIteration): never more
        if algorithm.trainerType.learnsDynamics {
            #expect(trainer.context.iteration == config.plannedIterations)
        } else {
            #expect(trainer.context.iteration <= config.plannedIterations)
        }
        config.totalSteps = nil
        #expect(config.plannedIterations == 50 && !config.isFinished(completed: 49, loggedTimesteps: .max))
    }

    @Test(arguments: Algorithm.allCases)
    func iterationsRunEndToEndWithFiniteValues(_ algorithm: Algorithm) throws {
        let config = Self.tinyConfig(algorithm)
        try config.validate()
        let (logs, trainer) = try Self.run(config)
        #expect(logs.count == 2)
        for log in logs { #expect(log.values.allSatisfy { $0.isFinite }) }
        guard algorithm.trainerType.learnsDynamics else {
            // model-free: every iteration 4 environments of 10-step paths, all steps counted, one TRPO step
            #expect(logs.map { $0["RealSteps"] } == [40, 80] && logs.map { $0["n_timesteps"] } == [40, 80])
            #expect(logs.allSatisfy { $0["EnvTrajs-NumTrajs"] == 4 && $0["AvgEpochsPerModel"] == nil })
            if algorithm == .trpo {
                #expect(logs.allSatisfy { $0["TRPO-MeanKL"].map { $0 > 0 && $0 <= config.meta.trpo.maxKL } == true })
            } else {
                #expect(logs.allSatisfy { $0["PPO-ApproxKL"].map { $0 > 0 } == true && $0["PPO-ValueLoss"] != nil })
            }
            #expect(trainer.context.policy.parameters.allSatisfy { $0.isFinite })
            return
        }
        for log in logs { #expect(log["AvgEpochsPerModel"].map { $0 >= 1 && $0 <= 5 } == true) }
        // the random phase: 4 environments of 10-step paths stop once ≥ 60 completed steps, i.e. at 80;
        // the log counts the requested 60 as the original does
        #expect(logs[0]["RealSteps"] == 80)
        #expect(logs[0]["n_timesteps"] == 60)
        #expect(logs[1]["n_timesteps"] == 100)  // 60 + 40
        #expect(logs[1]["EnvTrajs-NumTrajs"] == 4)
        // 8 random paths of 10 steps give 72 transitions (last step of each dropped), then 4 paths give 36 more
        #expect(logs[0]["ModelTransitions"] == 72)
        #expect(logs[1]["ModelTransitions"] == 108)
        #expect(trainer.context.policy.parameters.allSatisfy { $0.isFinite })
        // the mean e^ℓ of θ after the iteration's updates (the initial ℓ = 0 gives 1 before any update)
        let stds = trainer.context.policy.logStd().map { exp($0) }
        let expectedStd: Double? = algorithm == .mbMPC ? nil : stds.reduce(0, +) / Double(stds.count)
        #expect(logs[1]["AveragePolicyStd"] == expectedStd)
        if algorithm != .mbMPC { #expect(logs[0]["AveragePolicyStd"].map { $0 > 0 && $0 != 1 } == true) }
        switch algorithm {
        case .mbMPO:
            let mbmpo = try #require(trainer as? MBMPOTrainer)
            #expect(mbmpo.explorationParameters.count == 4)
            #expect(mbmpo.explorationParameters.allSatisfy { $0.count == trainer.context.policy.layout.parameterCount })
            #expect(logs[1]["PrePolicy-NumTrajs"] == 4 && logs[1]["PostPolicy-NumTrajs"] == 4)
            #expect(logs[1]["TRPO-MeanKL"].map { $0 <= config.meta.trpo.maxKL } == true)
        case .meTRPO:
            #expect(logs[1]["TRPO-MeanKL"].map { $0 <= config.meta.trpo.maxKL } == true)
        case .mbMPC:
            #expect(logs[1]["TRPO-MeanKL"] == nil)
        case .trpo, .ppo:
            break
        }
    }

    @Test(arguments: Algorithm.allCases)
    func sameSeedSameResultsForAnyThreadCount(_ algorithm: Algorithm) throws {
        let (a, trainerA) = try Self.run(Self.tinyConfig(algorithm, seed: 5, threads: 1))
        let (b, trainerB) = try Self.run(Self.tinyConfig(algorithm, seed: 5, threads: 2))
        let (c, _) = try Self.run(Self.tinyConfig(algorithm, seed: 6, threads: 1))
        func results(_ logs: [IterationLog]) -> [[Double]] {
            logs.map { log in zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time-") }.map(\.1) }
        }
        #expect(results(a) == results(b))
        #expect(results(a) != results(c))
        #expect(trainerA.context.policy.parameters == trainerB.context.policy.parameters)
        #expect(trainerA.context.ensemble.parameters(member: 1) == trainerB.context.ensemble.parameters(member: 1))
    }

    /// MB-MPO with bfloat16 model products, sized so that the fit's slices (115 rows) and the imagined member blocks
    /// (64 rows) reach the 64-wide threshold: the same on 1 and 2 workers, and not the float32 run.
    @Test(.enabled(if: MatrixPrecision.isBFloat16Supported, "this CPU has no AVX512-BF16"))
    func bfloat16ModelProductsAreThreadInvariant() throws {
        func config(_ precision: MatrixPrecision, threads: Int) -> TrainingConfig {
            var config = Self.tinyConfig(.mbMPO, seed: 7, threads: threads)
            config.sampling.initialRandomSteps = 300
            config.sampling.imaginedRolloutsPerTask = 32
            config.dynamics.hiddenSizes = [64, 64]
            config.dynamics.batchSize = 256
            config.dynamics.matrixPrecision = precision
            return config
        }
        let (a, trainerA) = try Self.run(config(.bfloat16, threads: 1))
        let (b, trainerB) = try Self.run(config(.bfloat16, threads: 2))
        let (c, _) = try Self.run(config(.float32, threads: 1))
        func results(_ logs: [IterationLog]) -> [[Double]] {
            logs.map { log in zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time-") }.map(\.1) }
        }
        #expect(results(a) == results(b))
        #expect(results(a) != results(c))
        #expect(trainerA.context.policy.parameters == trainerB.context.policy.parameters)
        let sameModels = (0..<2).allSatisfy {
            trainerA.context.ensemble.parameters(member: $0) == trainerB.context.ensemble.parameters(member: $0)
        }
        #expect(sameModels)
    }

    /// Imagined row r belongs to task ⌊r·M/P⌋ and steps through member ⌊task·K/M⌋: the block prediction of each
    /// task's rows equals that member's own prediction.
    @Test func taskToMemberMapping() throws {
        var rng = SplitMix64(seed: 1)
        var dynamics = DynamicsConfig()
        dynamics.members = 5
        dynamics.hiddenSizes = [8]
        let ensemble = DynamicsEnsemble(config: dynamics, observationSize: 6, actionSize: 2, using: &rng, threads: 1)
        let (tasks, perTask) = (20, 3)
        let rows = tasks * perTask
        let observations = (0..<(rows * 6)).map { _ in rng.nextUniform(-1, 1) }
        let actions = (0..<(rows * 2)).map { _ in rng.nextUniform(-1, 1) }
        let blocks = ensemble.predictBlocks(observations: observations, actions: actions)
        let sampler = ImaginedSampler(
            ensemble: ensemble, environment: PointMass(), rows: rows, tasks: tasks,
            horizon: 5, propagation: .blocks, clip: 1000)
        for task in 0..<tasks {
            let member = task * 5 / tasks
            #expect(member == task / 4)
            let own = ensemble.predict(
                observations: observations, actions: actions, propagation: .member(member),
                using: &rng)
            let other = ensemble.predict(
                observations: observations, actions: actions,
                propagation: .member((member + 1) % 5), using: &rng)
            for row in (task * perTask)..<((task + 1) * perTask) {
                #expect(sampler.task(ofRow: row) == task)
                let range = (row * 6)..<((row + 1) * 6)
                #expect(Array(blocks[range]) == Array(own[range]))
                #expect(Array(blocks[range]) != Array(other[range]))
            }
        }
    }

    @Test func invalidConfigurationsNameTheKey() {
        var config = Self.tinyConfig(.mbMPO)
        config.meta.metaBatchSize = 3
        #expect(
            throws: ConfigurationError(
                key: "meta.metaBatchSize",
                reason: "must be a multiple of dynamics.members (2) for MB-MPO")
        ) {
            try config.validate()
        }
        config = Self.tinyConfig(.mbMPO)
        config.dynamics.validationFraction = 1.5
        #expect(throws: ConfigurationError.self) { try config.validate() }
    }
}
