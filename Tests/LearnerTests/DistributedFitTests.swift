import Core
import Learner
import Testing
import _TestSupport

/// The ensemble fit split over processes (in-process ranks here, MPI ranks in a run): each trains its own members,
/// draws every member's random orders, and receives the others' losses every epoch and their states at the end, so
/// every rank ends with the ensemble one process fits.
@Suite struct DistributedFitTests {
    /// What a rank holds after two fits (the second warm-started on more data): every member's parameters and Adam
    /// state, both reports without their times, the fit stream, and predictions through every member.
    struct Outcome: Equatable, Sendable {
        var parameters: [[Float]]
        var optimizers: [Adam<Float>]
        var reports: [DynamicsFitReport]
        var rng: SplitMix64
        var predictions: [Float]
    }

    static func outcome(communicator: any Communicator, members: Int, threads: Int) throws -> Outcome {
        var rng = SplitMix64(seed: 61)
        // a high learning rate and persistence 0 stop members early, at different epochs: the active set shrinks
        // unevenly
        let config = DynamicsConfig(
            members: members, hiddenSizes: [16, 16], learningRate: 0.01, batchSize: 64, maxEpochs: 40,
            rollingAveragePersistence: 0,
            bufferCapacity: 10_000)
        let ensemble = DynamicsEnsemble(
            config: config, observationSize: 3, actionSize: 1, using: &rng, threads: threads)
        ensemble.communicator = communicator
        var reports: [DynamicsFitReport] = []
        for (count, seed) in [(300, 62), (250, 63)] {
            let data = pendulumTransitions(count: count, seed: UInt64(seed))
            ensemble.add(observations: data.observations, actions: data.actions, nextObservations: data.next)
            var report = try ensemble.fit()
            report.seconds = 0
            reports.append(report)
        }
        let test = pendulumTransitions(count: 40, seed: 64)
        let predictions = (0..<members).flatMap { k in
            var unused = SplitMix64(seed: 0)
            return ensemble.predict(
                observations: test.observations, actions: test.actions, propagation: .member(k), using: &unused
            ).map(Float.init)
        }
        return Outcome(
            parameters: (0..<members).map { ensemble.parameters(member: $0) },
            optimizers: (0..<members).map { ensemble.optimizer(member: $0) },
            reports: reports, rng: ensemble.rng, predictions: predictions)
    }

    @Test(arguments: [(2, 5), (3, 5), (5, 5), (4, 3)])
    func anyRankCountFitsTheEnsembleOfOneProcess(ranks: Int, members: Int) throws {
        let single = try Self.outcome(communicator: SingleProcess.shared, members: members, threads: 1)
        // the rule stopped members at different epochs, and the second fit warm-started from the first
        #expect(Set(single.reports[0].epochs).count > 1, "epochs \(single.reports[0].epochs)")
        #expect(single.optimizers.allSatisfy { $0.step > 0 })
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.outcome(communicator: communicator, members: members, threads: ranks == 3 ? 2 : 1) }
        }
        for (rank, outcome) in split.enumerated() {
            #expect(try outcome.get() == single, "rank \(rank) of \(ranks)")
        }
    }
}
