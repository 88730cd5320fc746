import Core
import Learner
import Testing
import _TestSupport

/// Imagined paths started from real states of the transition buffer, with their own length cap, and the paper's
/// settings adapted to Gymnasium's 1 000-step tasks.
@Suite struct ImaginedStartTests {
    /// A 2-member ensemble over the point mass (6 observations, 2 actions) whose buffer holds `count` known real
    /// observations.
    static func ensemble(count: Int) -> DynamicsEnsemble {
        var rng = SplitMix64(seed: 4)
        var dynamics = DynamicsConfig()
        dynamics.members = 2
        dynamics.hiddenSizes = [8]
        let ensemble = DynamicsEnsemble(config: dynamics, observationSize: 6, actionSize: 2, using: &rng, threads: 1)
        let observations = (0..<(count * 6)).map { Double($0) * 0.25 + 10 }  // far from any point-mass reset
        ensemble.add(
            observations: observations, actions: [Double](repeating: 0, count: count * 2),
            nextObservations: observations)
        return ensemble
    }

    static func sample(_ start: ImaginedStart, horizon: Int, seed: UInt64) -> [TaskPaths] {
        let sampler = ImaginedSampler(
            ensemble: ensemble(count: 37), environment: PointMass(), rows: 8, tasks: 2, horizon: horizon,
            propagation: .blocks, clip: 1000, start: start)
        var rng = SplitMix64(seed: seed)
        return sampler.sample(
            targetSteps: 64,
            policy: { _, means, logStds in
                for i in 0..<means.count { (means[i], logStds[i]) = (0, -1) }
            }, using: &rng)
    }

    /// Every path's first observation is one of the buffer's (the buffer's Float values), drawn from all over it,
    /// the paths are at most `horizon` long, and the same seed gives the same paths; resets start elsewhere.
    @Test func realStartsComeFromTheBuffer() {
        let buffer = Self.ensemble(count: 37).buffer
        let rows = (0..<buffer.count).map { row in (0..<6).map { Double(buffer.observations[row * 6 + $0]) } }
        var drawn = Set<Int>()
        let paths = Self.sample(.real, horizon: 3, seed: 8)
        for task in paths {
            #expect(!task.lengths.isEmpty && task.lengths.allSatisfy { $0 <= 3 })
            var start = 0
            for length in task.lengths {
                let first = Array(task.observations[(start * 6)..<(start * 6 + 6)])
                let index = rows.firstIndex(of: first)
                #expect(index != nil, "path start \(first) is not a buffer row")
                if let index { drawn.insert(index) }
                start += length
            }
        }
        #expect(drawn.count > 10)  // uniform over 37 rows, about 20 paths
        let again = Self.sample(.real, horizon: 3, seed: 8)
        #expect(zip(paths, again).allSatisfy { $0.observations == $1.observations && $0.actions == $1.actions })
        for task in Self.sample(.reset, horizon: 3, seed: 8) {
            var start = 0
            for length in task.lengths {
                #expect(!rows.contains(Array(task.observations[(start * 6)..<(start * 6 + 6)])))
                start += length
            }
        }
    }

    /// MB-MPO with real starts and a shorter imagined horizon, split over 2 in-process ranks, ends every iteration
    /// with one process's numbers (a real start takes one random draw, which the ranks skip for each other).
    @Test func realStartsSplitOverRanksLikeOneProcess() throws {
        var config = TinyTraining.config(.mbMPO, seed: 5, iterations: 2)
        config.sampling.imaginedStart = .real
        config.sampling.imaginedHorizon = 4
        let single = try DistributedTrainingTests.outcome(config, communicator: SingleProcess.shared)
        var paperStarts = config
        paperStarts.sampling.imaginedStart = .reset
        #expect(
            try DistributedTrainingTests.outcome(paperStarts, communicator: SingleProcess.shared).rows != single.rows)
        let shared = config
        let ranks = InProcessGroup(size: 2).run { communicator in
            Result { try DistributedTrainingTests.outcome(shared, communicator: communicator) }
        }
        for outcome in ranks {
            let outcome = try outcome.get()
            #expect(outcome.split)
            #expect(outcome.rows == single.rows && outcome.parameters == single.parameters)
            #expect(outcome.members == single.members)
        }
    }

    /// Gymnasium's tasks get their episode length and the long-horizon settings, every one valid; the paper's tasks
    /// are untouched.
    @Test(arguments: Algorithm.allCases)
    func gymnasiumTasksGetTheirSettings(_ algorithm: Algorithm) throws {
        for (name, task) in TrainingConfig.gymnasiumTasks {
            let episode = task.horizon
            let config = TrainingConfig.paper(algorithm, environment: name)
            try config.validate()
            #expect(config.sampling.horizon == episode)
            #expect(config.totalSteps == (algorithm.trainerType.learnsDynamics ? 200_000 : 1_000_000))
            #expect(config.plannedIterations < config.iterations)
            let long = episode > task.imaginedHorizon
            let imagines = algorithm == .mbMPO || algorithm == .meTRPO
            #expect(config.sampling.imaginedPathLength == (long && imagines ? task.imaginedHorizon : episode))
            switch algorithm {
            case .mbMPO:
                #expect(config.meta.metaBatchSize == (long ? config.dynamics.members : 20))
                #expect(config.imaginedRows == (long ? 200_000 / task.imaginedHorizon : 1_000))
                #expect(config.sampling.imaginedStart == (long ? .real : .reset))
                #expect(config.imaginedStepsPerPhase == (long ? 200_000 : 50_000))
                #expect(config.realStepsPerIteration == (long ? 5_000 : 1_000))
            case .meTRPO:
                #expect(config.sampling.imaginedStart == (long ? .real : .reset))
                #expect(config.imaginedRows == 100)
            case .mbMPC:
                #expect(config.realStepsPerIteration == (long ? 5_000 : 1_000))
                #expect(config.sampling.imaginedStart == .reset)
            case .trpo: #expect(config.realStepsPerIteration == 50_000)
            case .ppo:
                #expect(config.realStepsPerIteration == episode * (2_048 / episode))
                #expect(config.ppo.minibatches == 32)
            }
        }
        for task in ["half-cheetah", "hopper", "pr2"] {
            let config = TrainingConfig.paper(algorithm, environment: task)
            #expect(config.sampling.horizon == 200 && config.totalSteps == nil)
            #expect(config.sampling.imaginedHorizon == nil && config.sampling.imaginedStart == .reset)
        }
    }
}
