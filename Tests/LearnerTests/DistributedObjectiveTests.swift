import Core
import Learner
import Testing
import _TestSupport

/// The meta-objective split over processes (in-process ranks here, MPI ranks in a run): each computes its own tasks,
/// all reduce every task's results in task order, so every rank gets the bits of one process.
@Suite struct DistributedObjectiveTests {
    static let policy = PolicyFixture.policy(seed: 4)
    static let alpha = 0.01

    /// What a rank computes: the TRPO step's result and parameters, the gradients, a KL-Hessian product, θ'_i.
    struct Outcome: Equatable, Sendable {
        var parameters: [Double]
        var surrogateAfter: Double, kl: Double, backtracks: Int
        var surrogateGradient: [Double], klGradient: [Double], hessianProduct: [Double]
        var adapted: [[Double]]
        var owned: Range<Int>
    }

    static func outcome(
        communicator: any Communicator, threads: Int, emptyOthers: Bool
    ) -> Outcome {
        var tasks = PolicyFixture.metaTasks(
            policy: policy, count: 5, preRows: 120, postRows: 90 + 0, alpha: alpha, seed: 21)
        let owned = communicator.ownedUnits(of: tasks.count)
        if emptyOthers {
            // a rank needs only its own tasks' samples
            let empty = PolicySamples(
                observationSize: policy.layout.observationSize, actionSize: policy.layout.actionSize,
                observations: [], actions: [], advantages: [])
            for i in tasks.indices where !owned.contains(i) { tasks[i] = MetaTaskSamples(pre: empty, post: empty) }
        }
        let objective = SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: alpha, threads: threads, blockRows: 32,
            communicator: communicator)
        var theta = policy.parameters
        let (surrogateGradient, klGradient) = objective.gradients(at: theta)
        let adapted = objective.adaptedParameters(at: theta)
        let step = TRPO.step(objective, parameters: &theta, config: TRPOConfig(maxKL: 0.01))
        _ = objective.linearize(at: theta)
        let hv = objective.klHessianProduct(PolicyFixture.direction(count: theta.count, seed: 3))
        return Outcome(
            parameters: theta, surrogateAfter: step.surrogateAfter, kl: step.kl, backtracks: step.backtracks,
            surrogateGradient: surrogateGradient, klGradient: klGradient, hessianProduct: hv, adapted: adapted,
            owned: objective.ownedTasks)
    }

    @Test(arguments: [2, 3, 5, 7])
    func anyRankCountGivesTheBitsOfOneProcess(ranks: Int) {
        let single = Self.outcome(communicator: SingleProcess.shared, threads: 1, emptyOthers: false)
        #expect(single.owned == 0..<5 && single.parameters != Self.policy.parameters)
        let group = InProcessGroup(size: ranks)
        let split = group.run { communicator in
            Self.outcome(communicator: communicator, threads: ranks == 3 ? 2 : 1, emptyOthers: true)
        }
        for (rank, outcome) in split.enumerated() {
            var expected = single
            expected.owned = UnitPartition.range(rank: rank, ranks: ranks, units: 5)
            #expect(outcome == expected, "rank \(rank) of \(ranks)")
        }
        // the ranges tile the tasks in rank order; with more ranks than tasks some own none
        #expect(split.flatMap { Array($0.owned) } == Array(0..<5))
        #expect(split.contains { $0.owned.isEmpty } == (ranks > 5))
    }

    @Test func partitionTilesTheUnits() {
        for ranks in 1...9 {
            for units in 0...12 {
                let ranges = (0..<ranks).map { UnitPartition.range(rank: $0, ranks: ranks, units: units) }
                #expect(ranges.flatMap { Array($0) } == Array(0..<units))
                #expect((ranges.map(\.count).max() ?? 0) - (ranges.map(\.count).min() ?? 0) <= 1)
                for unit in 0..<units {
                    #expect(ranges[UnitPartition.owner(of: unit, ranks: ranks, units: units)].contains(unit))
                }
            }
        }
    }
}
