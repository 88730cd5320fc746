import Core
import Learner
import Testing
import _TestSupport

/// Whole MB-MPO iterations split over processes (in-process ranks here, MPI ranks in a run): the fit by member,
/// the imagination, inner steps and objective by task where the prediction chunks allow it, every rank ending
/// each iteration with the numbers of one process.
@Suite struct DistributedTrainingTests {
    /// What a rank holds after the iterations: the progress rows without timings, θ, the adapted θ'_i, every member's
    /// parameters, and whether its imagined rows were split.
    struct Outcome: Equatable, Sendable {
        var rows: [[Double]]
        var parameters: [Double]
        var exploration: [[Double]]
        var members: [[Float]]
        var split: Bool
    }

    static func config(members: Int, tasks: Int) -> TrainingConfig {
        var config = TinyTraining.config(.mbMPO, seed: 9, iterations: 2)
        config.dynamics.members = members
        config.meta.metaBatchSize = tasks
        return config
    }

    static func outcome(_ config: TrainingConfig, communicator: any Communicator) throws -> Outcome {
        let trainer = TinyTraining.trainer(config)
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
            split: mbmpo.imagination.isSplit)
    }

    /// (members, tasks, ranks, whether the 2-rollouts-per-task rows split): with one prediction chunk per member,
    /// the rows split where every rank boundary is a member boundary (a rank may own no task); elsewhere every rank
    /// imagines every row.
    @Test(arguments: [
        (2, 4, 2, true), (2, 4, 3, false), (4, 4, 3, true), (4, 4, 4, true), (2, 4, 5, false), (4, 4, 5, true),
    ])
    func anyRankCountTrainsAsOneProcess(members: Int, tasks: Int, ranks: Int, splits: Bool) throws {
        let config = Self.config(members: members, tasks: tasks)
        var single = try Self.outcome(config, communicator: SingleProcess.shared)
        #expect(!single.split && single.rows.count == 2 && single.exploration.count == tasks)
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.outcome(config, communicator: communicator) }
        }
        single.split = splits
        for (rank, outcome) in split.enumerated() {
            #expect(try outcome.get() == single, "rank \(rank) of \(ranks)")
        }
    }
}
