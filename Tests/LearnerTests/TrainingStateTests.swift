import Core
import Learner
import Testing

/// Capture and restore of the complete trainer state: a run interrupted between iterations and continued in a fresh
/// trainer is bit-identical to one that never stopped.
@Suite struct TrainingStateTests {
    static func results(_ logs: [IterationLog]) -> [[String: Double]] {
        logs.map { log in
            Dictionary(uniqueKeysWithValues: zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time-") })
        }
    }

    @Test(arguments: Algorithm.allCases)
    func resumedRunIsBitIdentical(_ algorithm: Algorithm) throws {
        var config = TrainerTests.tinyConfig(algorithm, seed: 11)
        config.iterations = 3
        let (straight, trainer) = try TrainerTests.run(config)

        let first = TrainerTests.makeTrainer(config)
        var logs = [try first.runIteration { _ in }.log]
        let saved = first.captureState()
        #expect(saved.iteration == 1)
        let resumed = TrainerTests.makeTrainer(config)
        try resumed.restore(saved)
        #expect(resumed.captureState() == saved)
        while resumed.context.iteration < config.iterations { logs.append(try resumed.runIteration { _ in }.log) }

        #expect(Self.results(logs) == Self.results(straight))
        #expect(resumed.captureState() == trainer.captureState())
        #expect(resumed.context.policy.parameters == trainer.context.policy.parameters)
        // the state really changed over the last two iterations (the comparison is not vacuous)
        #expect(saved.policyParameters != trainer.context.policy.parameters || algorithm == .mbMPC)
        if algorithm.trainerType.learnsDynamics {
            #expect(saved.ensemble.parameters != trainer.captureState().ensemble.parameters)
            #expect(saved.ensemble.buffer.count < trainer.captureState().ensemble.buffer.count)
        } else {
            #expect(saved.algorithm != trainer.captureState().algorithm)  // the baseline was refitted
        }
    }

    @Test func restoreRejectsAnotherConfigurationAndLeavesTheTrainerUnchanged() throws {
        let config = TrainerTests.tinyConfig(.mbMPO)
        let source = TrainerTests.makeTrainer(config)
        _ = try source.runIteration { _ in }
        var other = config
        other.dynamics.learningRate *= 2
        let target = TrainerTests.makeTrainer(other)
        let before = target.captureState()
        #expect(throws: TrainingStateError("the state was saved with a different configuration")) {
            try target.restore(source.captureState())
        }
        #expect(target.captureState() == before)

        // iterations and threads may differ
        var longer = config
        longer.iterations = 7
        longer.threads = 2
        let extended = TrainerTests.makeTrainer(longer)
        try extended.restore(source.captureState())
        #expect(extended.context.iteration == 1)
    }

    @Test func restoreRejectsAMissingOrMisshapenAlgorithmState() throws {
        let trainer = TrainerTests.makeTrainer(TrainerTests.tinyConfig(.mbMPO))
        var state = trainer.captureState()
        state.algorithm = AlgorithmState()
        #expect(throws: TrainingStateError("the saved state has no 'exploration_parameters'")) {
            try trainer.restore(state)
        }
        state.algorithm = AlgorithmState(["exploration_parameters": .init(rows: [[1, 2, 3]])])
        #expect(throws: TrainingStateError("the saved adapted parameters do not fit this configuration")) {
            try trainer.restore(state)
        }
        let baseline = TrainerTests.makeTrainer(TrainerTests.tinyConfig(.meTRPO))
        #expect(throws: TrainingStateError("the saved state has no 'baseline/regularization'")) {
            var other = baseline.captureState()
            other.algorithm = AlgorithmState()
            try baseline.restore(other)
        }
        // a state that failed to restore changed nothing
        #expect(trainer.captureState().algorithm == AlgorithmState(["exploration_parameters": .init(rows: [])]))
    }

    @Test func realTrajectoriesComeOutByKind() throws {
        let trainer = TrainerTests.makeTrainer(TrainerTests.tinyConfig(.mbMPO))
        let first = try trainer.runIteration { _ in }, second = try trainer.runIteration { _ in }
        #expect([first.iteration, second.iteration] == [0, 1])
        let seen = (first.trajectories + second.trajectories).map { ($0.kind, $0.paths.count) }
        // iteration 0: 8 random paths (60 requested steps of 10-step paths on 4 environments), evaluation 4 + 4;
        // iteration 1: 4 exploration paths, evaluation 4 + 4
        #expect(seen.map(\.0) == [.random, .preUpdate, .postUpdate, .exploration, .preUpdate, .postUpdate])
        #expect(seen.map(\.1) == [8, 4, 4, 4, 4, 4])
    }
}
