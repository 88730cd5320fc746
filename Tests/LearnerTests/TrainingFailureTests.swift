import Core
import Learner
import Testing
import _TestSupport

/// What stops a run instead of a crash or a NaN in its results: a model fit without data or with a diverging loss,
/// non-finite values in an iteration's results or a restored state, configurations beyond any machine.
@Suite struct TrainingFailureTests {
    @Test("a fit with fewer than 2 transitions throws a model-fit failure (it used to trap)")
    func fitNeedsTwoTransitions() throws {
        var rng = SplitMix64(seed: 5)
        let ensemble = DynamicsEnsemble(
            config: DynamicsConfig(members: 2, hiddenSizes: [8], maxEpochs: 2), observationSize: 3, actionSize: 1,
            using: &rng, threads: 1)
        #expect(throws: TrainingFailure.self) { try ensemble.fit() }
        ensemble.add(observations: [0, 0, 0], actions: [0], nextObservations: [1, 1, 1])
        do {
            try ensemble.fit()
            Issue.record("a fit of one transition was accepted")
        } catch let failure as TrainingFailure {
            #expect(failure.phase == "model fit")
            #expect(failure.problem.contains("holds 1 transition(s)"))
        }
    }

    @Test("a transition that is not finite makes the fit throw, naming the member and the epoch")
    func fitRefusesNonFiniteData() throws {
        var rng = SplitMix64(seed: 6)
        let ensemble = DynamicsEnsemble(
            config: DynamicsConfig(members: 2, hiddenSizes: [8], maxEpochs: 3), observationSize: 3, actionSize: 1,
            using: &rng, threads: 1)
        let data = pendulumTransitions(count: 40, seed: 7)
        var observations = data.observations
        observations[4] = .infinity
        ensemble.add(observations: observations, actions: data.actions, nextObservations: data.next)
        do {
            try ensemble.fit()
            Issue.record("a fit on an infinite observation was accepted")
        } catch let failure as TrainingFailure {
            #expect(failure.description.hasPrefix("model fit: member 0's validation loss is "))
            #expect(failure.description.contains("nan after epoch 1 ("), "\(failure)")
        }
    }

    @Test("a restored state holding a NaN is refused before anything changes, naming the array and entry")
    func restoreRefusesNonFiniteValues() throws {
        let config = TinyTraining.config(.mbMPO)
        let source = TinyTraining.trainer(config)
        _ = try source.runIteration { _ in }
        let good = source.captureState()
        var cases: [(TrainingState, String)] = []
        var state = good
        state.policyParameters[3] = .nan
        cases.append((state, "policy parameter vector holds a value that is not finite (entry 3)"))
        state = good
        state.ensemble.parameters[1][0] = -.infinity
        cases.append((state, "member 1 parameter vector"))
        state = good
        let name = MBMPOTrainer.explorationParametersName
        state.algorithm.arrays[name]?.values[2] = .nan
        cases.append((state, "'\(name)' holds a value that is not finite (entry 2)"))
        for (bad, expected) in cases {
            let target = TinyTraining.trainer(config)
            let before = target.captureState()
            do {
                try target.restore(bad)
                Issue.record("restored a state with a NaN (\(expected))")
            } catch let error as TrainingStateError {
                #expect(error.reason.contains(expected), "\(error.reason)")
            }
            #expect(target.captureState() == before)
        }
        try TinyTraining.trainer(config).restore(good)
    }

    @Test("the memory estimate: the paper's settings fit a laptop; each item scales with its settings")
    func memoryEstimate() throws {
        let paper = TrainingConfig.paper(.mbMPO, environment: "half-cheetah")
        let estimate = MemoryEstimate(
            config: paper, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000)
        #expect(estimate.totalBytes > 100e6 && estimate.totalBytes < 4e9, "\(estimate.totalBytes)")
        #expect(estimate.largest?.name == "imagined rollouts")
        var bigger = paper
        bigger.dynamics.bufferCapacity /= 10
        let grown = MemoryEstimate(
            config: bigger, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000)
        let buffer = { (e: MemoryEstimate) in e.items.first { $0.name == "transition buffer" }!.bytes }
        #expect(abs(buffer(estimate) / buffer(grown) - 10) < 1e-9)
        // a capacity beyond what the run can collect (ME-TRPO keeps everything) counts only the collected data
        var keepAll = paper
        keepAll.dynamics.bufferCapacity = 100_000_000
        let all = MemoryEstimate(
            config: keepAll, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000)
        #expect(abs(buffer(all) / buffer(estimate) - Double(5_000 + 4_000 + 100 * 4_000) / 300_000) < 1e-9)
        try estimate.check(available: 8e9)
        var huge = paper
        huge.dynamics.hiddenSizes = [65_536, 65_536, 65_536]
        let refused = MemoryEstimate(
            config: huge, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000)
        do {
            try refused.check(available: 16e9)
            Issue.record("a 1.4 TB ensemble was accepted")
        } catch let error as ConfigurationError {
            #expect(error.key == "dynamics.members")
            // 5 members of 23 → 65 536 → 65 536 → 65 536 → 17: 4.3·10¹⁰ parameters, 32 bytes each with Adam
            #expect(error.reason.hasPrefix("needs about 1.4 TB of memory, this machine has 16 GB"), "\(error.reason)")
        }
        // what every member and every planning environment allocates counts whatever the thread count: each
        // member trains in its own batch workspace, the MPC planner holds candidates for every real environment,
        // and PPO's value network holds its parameters with their gradient and Adam moments
        func item(_ config: TrainingConfig, _ name: String) -> Double {
            MemoryEstimate(config: config, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000)
                .items.first { $0.name == name }?.bytes ?? .nan
        }
        var members = paper
        members.dynamics.members = 100
        members.threads = 1
        var membersThreaded = members
        membersThreaded.threads = 100
        #expect(item(members, "dynamics ensemble") == item(membersThreaded, "dynamics ensemble"))
        #expect(item(members, "dynamics ensemble") > 19 * item(paper, "dynamics ensemble"))
        var planner = TrainingConfig.paper(.mbMPC, environment: "half-cheetah")
        planner.threads = 1
        var wider = planner
        wider.meta.metaBatchSize *= 2
        #expect(abs(item(wider, "MPC candidates") / item(planner, "MPC candidates") - 2) < 1e-9)
        var value = TrainingConfig.paper(.ppo, environment: "half-cheetah")
        value.ppo.valueHiddenSizes = [65_536, 65_536, 65_536]
        #expect(item(value, "value network") > 8 * 5 * 2 * 65_536.0 * 65_536)
        #expect(throws: ConfigurationError.self) {
            try MemoryEstimate(
                config: value, observationSize: 17, actionSize: 6, stateSize: 18, simulationBytes: 100_000
            )
            .check(available: 64e9)
        }
        #expect(MemoryEstimate.text(bytes: 999) == "999 bytes")
        #expect(MemoryEstimate.text(bytes: 1_250_000) == "1.3 MB")
        #expect(MemoryEstimate.text(bytes: 4.2e13) == "42 TB")
        #expect(MemoryEstimate.text(bytes: 1e300) == "1e+300 bytes")
    }

    @Test("every count setting has an upper bound: 2⁶³ − 1 is refused for each, with the key")
    func everyCountIsBounded() throws {
        let paths: [WritableKeyPath<TrainingConfig, Int>] = [
            \.iterations, \.threads, \.sampling.horizon, \.sampling.realRolloutsPerTask,
            \.sampling.imaginedRolloutsPerTask, \.sampling.imaginedSteps, \.sampling.initialRandomSteps,
            \.meta.metaBatchSize, \.meta.stepsPerIteration, \.meta.trpo.cgIterations, \.meta.trpo.maxBacktracks,
            \.dynamics.members, \.dynamics.batchSize, \.dynamics.maxEpochs, \.dynamics.bufferCapacity,
            \.mpc.candidates, \.mpc.planningHorizon,
        ]
        for path in paths {
            var config = TrainingConfig.paper(.mbMPO, environment: "half-cheetah")
            config[keyPath: path] = Int.max
            #expect(throws: ConfigurationError.self, "\(path)") { try config.validate() }
        }
        var ppo = TrainingConfig.paper(.ppo, environment: "half-cheetah")
        ppo.ppo.minibatches = ppo.realStepsPerIteration + 1
        #expect(throws: ConfigurationError(key: "ppo.minibatches", reason: "must lie in 1…50000, got 50001")) {
            try ppo.validate()
        }
    }
}
