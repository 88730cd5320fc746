import Core
import Learner
import Testing

/// Fits a fresh ensemble on pendulum data and returns it with its report.
func fittedEnsemble(seed: UInt64, threads: Int) throws -> (DynamicsEnsemble, DynamicsFitReport) {
    let ensemble = smallEnsemble(seed: seed, threads: threads, maxEpochs: 8)
    let data = pendulumTransitions(count: 450, seed: 31)
    ensemble.add(observations: data.observations, actions: data.actions, nextObservations: data.next)
    return (ensemble, try ensemble.fit())
}

/// The report without its wall-clock time.
func withoutTime(_ report: DynamicsFitReport) -> DynamicsFitReport {
    var r = report
    r.seconds = 0
    return r
}

extension DynamicsSuites {
    @Suite("Dynamics ensemble determinism and warm start")
    struct DynamicsDeterminismTests {
        @Test("same seed → bit-identical parameters, Adam state and report")
        func sameSeedSameResult() throws {
            let (a, reportA) = try fittedEnsemble(seed: 30, threads: 1)
            let (b, reportB) = try fittedEnsemble(seed: 30, threads: 1)
            for k in 0..<a.memberCount {
                #expect(a.parameters(member: k) == b.parameters(member: k))
                #expect(a.optimizer(member: k) == b.optimizer(member: k))
            }
            #expect(withoutTime(reportA) == withoutTime(reportB))
            #expect(a.rng == b.rng)
            let (c, _) = try fittedEnsemble(seed: 32, threads: 1)
            #expect(a.parameters(member: 0) != c.parameters(member: 0))
            #expect(a.parameters(member: 0) != a.parameters(member: 1))
        }

        @Test("1 vs 2 workers → bit-identical fit and predictions in every mode")
        func threadCountDoesNotMatter() throws {
            let (one, reportOne) = try fittedEnsemble(seed: 33, threads: 1)
            let (two, reportTwo) = try fittedEnsemble(seed: 33, threads: 2)
            #expect(withoutTime(reportOne) == withoutTime(reportTwo))
            for k in 0..<one.memberCount { #expect(one.parameters(member: k) == two.parameters(member: k)) }
            let test = pendulumTransitions(count: 600, seed: 34)
            for mode in [DynamicsEnsemble.Propagation.blocks, .randomMember, .mean, .member(2)] {
                var rngOne = SplitMix64(seed: 35), rngTwo = SplitMix64(seed: 35)
                let p1 = one.predict(
                    observations: test.observations, actions: test.actions, propagation: mode,
                    using: &rngOne)
                let p2 = two.predict(
                    observations: test.observations, actions: test.actions, propagation: mode,
                    using: &rngTwo)
                #expect(p1 == p2, "mode \(mode)")
            }
        }

        @Test("paper shapes (17 obs, 6 act, 2×512, 5 members): 1 vs 2 workers agree; OpenBLAS stays single-threaded")
        func paperShapeThreadInvariance() throws {
            var rng = SplitMix64(seed: 40)
            let config = DynamicsConfig(maxEpochs: 2)
            var results: [[Float]] = []
            for workers in [1, 2, 1, 2] {
                var seedRNG = rng
                let ensemble = DynamicsEnsemble(
                    config: config, observationSize: 17, actionSize: 6, using: &seedRNG,
                    threads: workers)
                var dataRNG = SplitMix64(seed: 41)
                let o = (0..<(600 * 17)).map { _ in dataRNG.nextUniform(-1, 1) }
                let a = (0..<(600 * 6)).map { _ in dataRNG.nextUniform(-1, 1) }
                ensemble.add(observations: o, actions: a, nextObservations: o.map { $0 * 0.9 + 0.1 })
                try ensemble.fit()
                let rows = (0..<(1000 * 17)).map { _ in Float(dataRNG.nextUniform(-1, 1)) }
                let acts = (0..<(1000 * 6)).map { _ in Float(dataRNG.nextUniform(-1, 1)) }
                let predictions = ensemble.predictBlocks(observations: rows, actions: acts)
                results.append(predictions + ensemble.parameters(member: 4))
            }
            _ = rng.next()
            #expect(results.allSatisfy { $0 == results[0] })
            // the ensemble never lets OpenBLAS split a product across its own threads
            #expect(BLAS.threads == 1)
        }

        @Test("a second fit warm-starts: Adam steps continue, statistics follow the new buffer")
        func warmStart() throws {
            let ensemble = smallEnsemble(seed: 36, maxEpochs: 3)
            let first = pendulumTransitions(count: 250, seed: 37)
            ensemble.add(observations: first.observations, actions: first.actions, nextObservations: first.next)
            let report1 = try ensemble.fit()
            let steps1 = ensemble.optimizer(member: 0).step
            // 250 rows → 200 training rows → 2 batches of 100 per epoch
            #expect(steps1 == 2 * report1.epochs[0])
            let parameters1 = ensemble.parameters(member: 0)
            let statistics1 = ensemble.normalization
            let second = pendulumTransitions(count: 250, seed: 38)
            ensemble.add(
                observations: second.observations.map { $0 * 2 }, actions: second.actions,
                nextObservations: second.next.map { $0 * 2 })
            let report2 = try ensemble.fit()
            #expect(report2.samples == 500 && report2.trainingSamples == 400)
            #expect(ensemble.optimizer(member: 0).step == steps1 + 4 * report2.epochs[0])
            #expect(ensemble.normalization != statistics1)
            #expect(ensemble.normalization.observation.mean[2] != statistics1.observation.mean[2])
            #expect(ensemble.parameters(member: 0) != parameters1)
        }
    }
}
