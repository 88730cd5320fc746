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

    static func config(members: Int, tasks: Int, rollouts: Int) -> TrainingConfig {
        var config = TinyTraining.config(.mbMPO, seed: 9, iterations: 2)
        config.dynamics.members = members
        config.meta.metaBatchSize = tasks
        config.sampling.imaginedRolloutsPerTask = rollouts
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

    /// (members, tasks, rollouts per task, ranks, whether the rows split). With one prediction chunk per member (2
    /// rollouts), the rows split where every rank boundary is a member boundary (a rank may own no task); with 100
    /// rollouts a member's 200 rows are two chunks of one task each, so rank boundaries may fall inside a member's
    /// block; with 50, a member's 100 rows are one chunk that 4 ranks would cut. Elsewhere every rank imagines every
    /// row.
    @Test(arguments: [
        (2, 4, 2, 2, true), (2, 4, 2, 3, false), (4, 4, 2, 3, true), (4, 4, 2, 4, true), (2, 4, 2, 5, false),
        (4, 4, 2, 5, true), (2, 4, 100, 4, true), (2, 4, 50, 4, false),
    ])
    func anyRankCountTrainsAsOneProcess(members: Int, tasks: Int, rollouts: Int, ranks: Int, splits: Bool) throws {
        let config = Self.config(members: members, tasks: tasks, rollouts: rollouts)
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
