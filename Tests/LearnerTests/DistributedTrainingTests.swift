import Core
import Learner
import Testing
import _TestSupport

/// Whole MB-MPO iterations split over processes (in-process ranks here, MPI ranks in a run): the fit by member,
/// the imagination, inner steps and objective by task where the prediction chunks allow it, every rank ending
/// each iteration with the numbers of one process.
@Suite struct DistributedTrainingTests {
    /// What a rank holds after the iterations: the progress rows without timings, θ, the adapted θ'_i, every member's
    /// parameters, whether its imagined rows were split and which tasks it imagined.
    struct Outcome: Equatable, Sendable {
        var rows: [[Double]]
        var parameters: [Double]
        var exploration: [[Double]]
        var members: [[Float]]
        var split: Bool
        /// The tasks whose rollouts it imagined.
        var imagined: Range<Int>
    }

    static func config(members: Int, tasks: Int, rollouts: Int) -> TrainingConfig {
        var config = TinyTraining.config(.mbMPO, seed: 9, iterations: 2)
        config.dynamics.members = members
        config.meta.metaBatchSize = tasks
        config.sampling.imaginedRolloutsPerTask = rollouts
        return config
    }

    static func outcome(
        _ config: TrainingConfig, communicator: any Communicator, imaginedEnvironment: (any Environment)? = nil
    ) throws -> Outcome {
        let trainer =
            imaginedEnvironment.map { environment in
                var pointMass = PointMass.Config()
                pointMass.horizon = config.sampling.horizon
                let real = VectorSampler(
                    environments: (0..<config.realEnvironments).map { _ in PointMass(config: pointMass) },
                    seed: config.seed, threads: config.threads)
                return config.makeTrainer(real: real, environment: environment)
            } ?? TinyTraining.trainer(config)
        trainer.context.communicator = communicator
        var rows: [[Double]] = []
        for _ in 0..<config.iterations {
            let log = try trainer.runCheckedIteration { _ in }.log
            rows.append(zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time") }.map(\.1))
        }
        let mbmpo = try #require(trainer as? MBMPOTrainer)
        return Outcome(
            rows: rows, parameters: trainer.context.policy.parameters, exploration: mbmpo.explorationParameters,
            members: (0..<config.dynamics.members).map { trainer.context.ensemble.parameters(member: $0) },
            split: mbmpo.imagination.isSplit, imagined: mbmpo.imagination.imaginedTasks)
    }

    /// (members, tasks, rollouts per task, ranks, tasks imagined over all ranks). With one prediction chunk per
    /// member (2 rollouts, 2 tasks per member), a rank whose tasks end inside a member's block imagines the
    /// neighbouring task too; with 4 members every rank boundary is a chunk boundary (a rank may own no task); with
    /// 100 rollouts a member's 200 rows are two chunks of one task each, so nothing is imagined twice; with 50, a
    /// member's 100 rows are one chunk of 2 tasks, which each of 4 ranks imagines whole.
    @Test(arguments: [
        (2, 4, 2, 2, 4), (2, 4, 2, 3, 6), (4, 4, 2, 3, 4), (4, 4, 2, 4, 4), (2, 4, 2, 5, 8),
        (4, 4, 2, 5, 4), (2, 4, 100, 4, 4), (2, 4, 50, 4, 8),
    ])
    func anyRankCountTrainsAsOneProcess(members: Int, tasks: Int, rollouts: Int, ranks: Int, imagined: Int) throws {
        let config = Self.config(members: members, tasks: tasks, rollouts: rollouts)
        var single = try Self.outcome(config, communicator: SingleProcess.shared)
        #expect(!single.split && single.rows.count == 2 && single.exploration.count == tasks)
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.outcome(config, communicator: communicator) }
        }
        single.split = true
        var imaginedTasks: [Range<Int>] = []
        for (rank, outcome) in split.enumerated() {
            var result = try outcome.get()
            imaginedTasks.append(result.imagined)
            result.imagined = single.imagined
            #expect(result == single, "rank \(rank) of \(ranks)")
        }
        #expect(imaginedTasks.reduce(0) { $0 + $1.count } == imagined, "\(imaginedTasks)")
    }
}

extension DistributedTrainingTests {
    /// A trainer whose communicator goes back to one process after a split iteration undoes the split (its imagined
    /// rows and its objective): the next iteration, on each former rank alone, gives one process's numbers.
    @Test func backToOneProcessUndoesTheSplit() throws {
        let config = Self.config(members: 2, tasks: 4, rollouts: 2)
        let single = try Self.outcome(config, communicator: SingleProcess.shared)
        let ranks = InProcessGroup(size: 3).run { communicator in
            Result { () throws -> (split: Bool, rows: [[Double]], parameters: [Double], imagined: Range<Int>) in
                let trainer = TinyTraining.trainer(config)
                let mbmpo = try #require(trainer as? MBMPOTrainer)
                trainer.context.communicator = communicator
                var rows: [[Double]] = []
                var split = false
                for iteration in 0..<config.iterations {
                    if iteration == 1 {
                        split = mbmpo.imagination.isSplit
                        trainer.context.communicator = SingleProcess.shared
                    }
                    let log = try trainer.runCheckedIteration { _ in }.log
                    rows.append(zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time") }.map(\.1))
                }
                return (split, rows, trainer.context.policy.parameters, mbmpo.imagination.imaginedTasks)
            }
        }
        for (rank, outcome) in ranks.enumerated() {
            let result = try outcome.get()
            #expect(result.split, "rank \(rank) was not split in the first iteration")
            #expect(result.imagined == 0..<4 && result.rows == single.rows, "rank \(rank)")
            #expect(result.parameters == single.parameters, "rank \(rank)")
        }
    }

    /// Imagined paths that end at different steps (a point mass whose model says "done" once it leaves a box) with
    /// noisy, offset models, over ranks that imagine their neighbours' tasks: every rank skips exactly the others'
    /// resets and noise draws, and ends with one process's numbers.
    @Test(arguments: [3, 5])
    func earlyEndsAndNoiseWithSharedChunks(ranks: Int) throws {
        var config = Self.config(members: 2, tasks: 4, rollouts: 2)
        config.dynamics.imperfection.noiseStd = 0.1
        config.dynamics.imperfection.biasHigh = 0.3
        let single = try Self.outcome(config, communicator: SingleProcess.shared, imaginedEnvironment: BoxedPointMass())
        let plain = try Self.outcome(config, communicator: SingleProcess.shared)
        #expect(single.rows != plain.rows)
        let shared = config
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.outcome(shared, communicator: communicator, imaginedEnvironment: BoxedPointMass()) }
        }
        var imagined = 0
        for (rank, outcome) in split.enumerated() {
            var result = try outcome.get()
            imagined += result.imagined.count
            result.imagined = single.imagined
            result.split = single.split
            #expect(result == single, "rank \(rank) of \(ranks)")
        }
        // 3 ranks own 1, 1, 2 tasks and imagine 2, 2, 2; 5 ranks own 0, 1, 1, 1, 1 and imagine 0, 2, 2, 2, 2
        #expect(imagined == (ranks == 3 ? 6 : 8))
    }
}

/// A point mass whose model ends a path once the mass leaves the box |x|, |y| < 0.9, so that imagined paths end
/// at different steps.
final class BoxedPointMass: WrappedEnvironment {
    init() { super.init(wrapping: PointMass()) }
    override func modelDones(
        nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>
    ) {
        let width = spec.observationSize
        for r in 0..<dones.count {
            dones[r] = abs(nextObservations[r * width]) >= 0.9 || abs(nextObservations[r * width + 1]) >= 0.9
        }
    }
}

@Suite struct ChunkClosureTests {
    /// Task ranges grow to the prediction chunks they touch, and again to the tasks those chunks hold, until both
    /// ends are chunk boundaries and task boundaries at once.
    @Test func taskRangesGrowToWholeChunks() {
        // 4 tasks of 50 rows, chunks of 100 rows: a lone task takes its chunk partner along
        let pairs = [0, 100, 200]
        #expect(ImaginedSampler.chunkClosure(of: 0..<1, rowsPerTask: 50, boundaries: pairs) == 0..<2)
        #expect(ImaginedSampler.chunkClosure(of: 1..<3, rowsPerTask: 50, boundaries: pairs) == 0..<4)
        #expect(ImaginedSampler.chunkClosure(of: 2..<4, rowsPerTask: 50, boundaries: pairs) == 2..<4)
        #expect(ImaginedSampler.chunkClosure(of: 3..<3, rowsPerTask: 50, boundaries: pairs) == 3..<3)
        // tasks of 30 rows over chunks of 100: task 3 (rows 90..<120) straddles the first boundary and task 6 the
        // second, so any range spreads chunk by chunk to all 10 tasks
        let straddled = [0, 100, 200, 300]
        #expect(ImaginedSampler.chunkClosure(of: 0..<1, rowsPerTask: 30, boundaries: straddled) == 0..<10)
        #expect(ImaginedSampler.chunkClosure(of: 9..<10, rowsPerTask: 30, boundaries: straddled) == 0..<10)
        // a boundary at a task boundary (row 90) stops the spread
        let stopped = [0, 90, 300]
        #expect(ImaginedSampler.chunkClosure(of: 0..<1, rowsPerTask: 30, boundaries: stopped) == 0..<3)
        #expect(ImaginedSampler.chunkClosure(of: 4..<5, rowsPerTask: 30, boundaries: stopped) == 3..<10)
        // chunks smaller than a task: the range is already closed
        #expect(
            ImaginedSampler.chunkClosure(of: 1..<2, rowsPerTask: 200, boundaries: [0, 100, 200, 300, 400]) == 1..<2)
    }
}
