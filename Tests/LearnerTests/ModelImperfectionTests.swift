import Core
import Foundation
import Learner
import Testing
import _TestSupport

/// A 3-member ensemble like ``smallEnsemble(seed:threads:maxEpochs:hidden:observationSize:actionSize:)`` with the
/// given deliberate errors.
func imperfectEnsemble(
    seed: UInt64, imperfection: ModelImperfection, threads: Int = 1, observationSize: Int = 2, actionSize: Int = 1
) -> DynamicsEnsemble {
    var rng = SplitMix64(seed: seed)
    let config = DynamicsConfig(
        members: 3, hiddenSizes: [16, 16], batchSize: 100, maxEpochs: 5, bufferCapacity: 10_000,
        imperfection: imperfection)
    return DynamicsEnsemble(
        config: config, observationSize: observationSize, actionSize: actionSize, using: &rng, threads: threads)
}

extension DynamicsSuites {
    /// The bad-models option (``ModelImperfection``): offsets and noise land on the rows they belong to, are drawn
    /// reproducibly, and leave everything unchanged when off.
    @Suite("Deliberate model errors")
    struct ModelImperfectionTests {
        let constants: [Float] = [1, 10, 100]
        let offsets = [0.25, -0.5, 2.0]

        @Test("offsets land on their member's rows in every propagation mode; without noise nothing is drawn")
        func offsetsLandOnTheirMember() {
            let ensemble = imperfectEnsemble(seed: 1, imperfection: ModelImperfection(biasLow: -1, biasHigh: 2))
            makeMembersDistinguishable(ensemble, constants: constants)
            ensemble.setOutputOffsets(offsets)
            let rows = 6
            let o = (0..<(rows * 2)).map { Double($0) * 0.5 }, a = [Double](repeating: 0.3, count: rows)
            let blocks = ensemble.predictBlocks(observations: o, actions: a)
            for r in 0..<rows {
                for j in 0..<2 {
                    #expect(blocks[r * 2 + j] == o[r * 2 + j] + Double(constants[r / 2]) + offsets[r / 2])
                }
            }
            var rng = SplitMix64(seed: 7)
            var replay = rng
            let random = ensemble.predict(observations: o, actions: a, propagation: .randomMember, using: &rng)
            for r in 0..<rows {
                let m = replay.nextIndex(3)
                for j in 0..<2 { #expect(random[r * 2 + j] == o[r * 2 + j] + Double(constants[m]) + offsets[m]) }
            }
            #expect(rng == replay)  // the member draws only: no noise was drawn
            let single = ensemble.predict(observations: o, actions: a, propagation: .member(2), using: &rng)
            #expect(single == o.map { $0 + 100 + 2 })
            let mean = ensemble.predict(observations: o, actions: a, propagation: .mean, using: &rng)
            let meanDelta = Double(Float(111) * (1 / Float(3)))
            #expect(mean == o.map { $0 + meanDelta + (0.25 - 0.5 + 2) / 3 })
            #expect(rng == replay)
        }

        @Test("no imperfection: predictions and generator exactly those of an ensemble without the option")
        func offIsExactlyTheOldEnsemble() {
            let plain = smallEnsemble(seed: 4, observationSize: 3, actionSize: 1)
            let off = imperfectEnsemble(seed: 4, imperfection: ModelImperfection(), observationSize: 3)
            let data = pendulumTransitions(count: 300, seed: 5)
            for mode in [DynamicsEnsemble.Propagation.blocks, .randomMember, .mean] {
                var r1 = SplitMix64(seed: 6), r2 = SplitMix64(seed: 6)
                let p1 = plain.predict(
                    observations: data.observations, actions: data.actions, propagation: mode, using: &r1)
                let p2 = off.predict(
                    observations: data.observations, actions: data.actions, propagation: mode, using: &r2)
                #expect(p1 == p2 && r1 == r2, "mode \(mode)")
            }
            #expect(off.outputOffsets == [0, 0, 0])
        }

        @Test("noise: N(0, σ²) per entry in row order from the given generator, the same for 1 and 2 workers")
        func noiseIsGaussianAndReproducible() {
            let sigma = 0.1
            let data = pendulumTransitions(count: 3_000, seed: 8)
            let plain = smallEnsemble(seed: 9, observationSize: 3, actionSize: 1)
            let noisy = imperfectEnsemble(
                seed: 9, imperfection: ModelImperfection(biasLow: 0, biasHigh: 0, noiseStd: sigma),
                observationSize: 3)
            let noisyTwo = imperfectEnsemble(
                seed: 9, imperfection: ModelImperfection(biasLow: 0, biasHigh: 0, noiseStd: sigma), threads: 2,
                observationSize: 3)
            var unused = SplitMix64(seed: 0)
            let base = plain.predict(
                observations: data.observations, actions: data.actions, propagation: .blocks, using: &unused)
            var rng = SplitMix64(seed: 10), rngTwo = rng
            var replay = rng
            let next = noisy.predict(
                observations: data.observations, actions: data.actions, propagation: .blocks, using: &rng)
            let nextTwo = noisyTwo.predict(
                observations: data.observations, actions: data.actions, propagation: .blocks, using: &rngTwo)
            #expect(next == nextTwo && rng == rngTwo)
            #expect(next == base.map { $0 + sigma * replay.nextGaussian() })
            #expect(rng == replay)
            let residuals = zip(next, base).map { $0 - $1 }
            let n = Double(residuals.count)
            let mean = residuals.reduce(0, +) / n
            let std = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
            #expect(abs(mean) < 4 * sigma / n.squareRoot())
            #expect(abs(std - sigma) < 0.05 * sigma)
        }

        @Test("offsets: K draws from [low, high] per iteration, reproducible; once per run without resampling")
        func offsetsPerIteration() {
            let stream = SplitMix64(seed: 11)
            let every = ModelImperfection(biasLow: 0, biasHigh: 0.5)
            let first = every.offsets(members: 5, iteration: 0, stream: stream)
            let third = every.offsets(members: 5, iteration: 2, stream: stream)
            #expect(first.count == 5 && first.allSatisfy { $0 >= 0 && $0 < 0.5 })
            #expect(Set(first).count == 5)
            #expect(first == every.offsets(members: 5, iteration: 0, stream: stream))
            #expect(first != third)
            #expect(first != every.offsets(members: 5, iteration: 0, stream: SplitMix64(seed: 12)))
            var once = every
            once.resampleBias = false
            #expect(once.offsets(members: 5, iteration: 7, stream: stream) == first)
            #expect(ModelImperfection().offsets(members: 3, iteration: 4, stream: stream) == [0, 0, 0])
            let fixed = ModelImperfection(biasLow: 0.3, biasHigh: 0.3)
            #expect(fixed.offsets(members: 2, iteration: 1, stream: stream) == [0.3, 0.3])
        }
    }
}

/// Training with deliberate model errors: MB-MPO and ME-TRPO (and MB-MPC) see them, resume and thread counts do
/// not change them, and the configuration checks their ranges.
@Suite struct ImperfectTrainingTests {
    static func config(_ algorithm: Algorithm, threads: Int = 1) -> TrainingConfig {
        var config = TinyTraining.config(algorithm, seed: 13, threads: threads, iterations: 3)
        config.dynamics.imperfection = ModelImperfection(biasLow: 0, biasHigh: 0.5, noiseStd: 0.1)
        return config
    }

    static func results(_ logs: [IterationLog]) -> [[String: Double]] { TrainingStateTests.results(logs) }

    @Test(arguments: [Algorithm.mbMPO, .meTRPO, .mbMPC])
    func imperfectModelsTrainReproducibly(_ algorithm: Algorithm) throws {
        let config = Self.config(algorithm)
        try config.validate()
        let (straight, trainer) = try TrainerTests.run(config)
        // the offsets are those of the last iteration, in range and not all equal
        let offsets = trainer.context.ensemble.outputOffsets
        #expect(offsets.count == 2 && offsets.allSatisfy { $0 >= 0 && $0 < 0.5 } && offsets[0] != offsets[1])
        // 2 workers: the same; the same without the errors: different imagined (or planned) results
        let (two, _) = try TrainerTests.run(Self.config(algorithm, threads: 2))
        #expect(Self.results(two) == Self.results(straight))
        var perfect = config
        perfect.dynamics.imperfection = ModelImperfection()
        let (clean, _) = try TrainerTests.run(perfect)
        #expect(Self.results(clean)[0] != Self.results(straight)[0] || algorithm == .mbMPC)
        #expect(Self.results(clean) != Self.results(straight))
        // stopped after one iteration and resumed in a fresh trainer: bit-identical
        let first = TrainerTests.makeTrainer(config)
        var logs = [try first.runIteration { _ in }.log]
        let resumed = TrainerTests.makeTrainer(config)
        try resumed.restore(first.captureState())
        // a restored trainer holds the offsets of the iteration it continues with (what eval's planner uses)
        #expect(resumed.context.ensemble.outputOffsets.allSatisfy { $0 > 0 })
        while resumed.context.iteration < config.iterations { logs.append(try resumed.runIteration { _ in }.log) }
        #expect(Self.results(logs) == Self.results(straight))
        #expect(resumed.context.ensemble.outputOffsets == offsets)
    }

    @Test func rangesAreChecked() {
        var config = Self.config(.mbMPO)
        config.dynamics.imperfection.biasLow = 1
        #expect(
            throws: ConfigurationError(
                key: "dynamics.imperfection.biasHigh",
                reason: "must be at least dynamics.imperfection.biasLow (1.0), got 0.5")
        ) { try config.validate() }
        config = Self.config(.meTRPO)
        config.dynamics.imperfection.noiseStd = -0.1
        #expect(throws: ConfigurationError.self) { try config.validate() }
        config.dynamics.imperfection.noiseStd = .nan
        #expect(throws: ConfigurationError.self) { try config.validate() }
        config = TinyTraining.config(.trpo)
        config.dynamics.imperfection.biasHigh = 0.1
        #expect(
            throws: ConfigurationError(
                key: "dynamics.imperfection.biasHigh",
                reason: "applies to the model-based algorithms only (mb-mpo, me-trpo, mb-mpc), not to trpo")
        ) { try config.validate() }
    }

    @Test("configurations written before the option read as no imperfection and tailored exploration")
    func olderConfigurationsDecode() throws {
        var config = TrainingConfig()
        config.dynamics.imperfection = ModelImperfection(biasLow: 0, biasHigh: 1, noiseStd: 0.1)
        config.meta.tailoredExploration = false
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == config)
        var tree = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var dynamics = try #require(tree["dynamics"] as? [String: Any])
        var meta = try #require(tree["meta"] as? [String: Any])
        dynamics["imperfection"] = nil
        meta["tailoredExploration"] = nil
        (tree["dynamics"], tree["meta"]) = (dynamics, meta)
        let older = try JSONDecoder().decode(
            TrainingConfig.self, from: try JSONSerialization.data(withJSONObject: tree))
        #expect(older == TrainingConfig())
    }

    @Test("without tailored exploration MB-MPO collects its real data with θ; the random phase is unchanged")
    func tailoredExplorationOff() throws {
        var config = TinyTraining.config(.mbMPO, seed: 14, iterations: 2)
        let (tailored, on) = try TrainerTests.run(config)
        config.meta.tailoredExploration = false
        let (plain, off) = try TrainerTests.run(config)
        let mbmpoOn = try #require(on as? MBMPOTrainer), mbmpoOff = try #require(off as? MBMPOTrainer)
        #expect(mbmpoOn.realDataParameters == mbmpoOn.explorationParameters)
        #expect(mbmpoOn.realDataParameters.count == 4)
        #expect(mbmpoOff.realDataParameters == [off.context.policy.parameters])
        #expect(mbmpoOff.explorationParameters.count == 4)
        #expect(TrainingStateTests.results([tailored[0]]) == TrainingStateTests.results([plain[0]]))
        #expect(tailored[1]["EnvTrajs-AverageReturn"] != plain[1]["EnvTrajs-AverageReturn"])
    }
}
