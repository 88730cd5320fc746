import Core
import Learner
import Testing
import _TestSupport

@Suite struct TRPOTests {
    let policy = PolicyFixture.policy(seed: 4)

    func metaObjective(alpha: Double = 0.001, threads: Int = 1) -> SurrogateObjective {
        let tasks = PolicyFixture.metaTasks(
            policy: policy, count: 4, preRows: 300, postRows: 250, alpha: alpha, seed: 12)
        return SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: alpha, threads: threads,
            blockRows: 64)
    }

    @Test(arguments: [0.001, 0.1])
    func metaStepRespectsTheKLBoundAndImprovesTheSurrogate(alpha: Double) {
        let objective = metaObjective(alpha: alpha)
        var theta = policy.parameters
        let result = TRPO.step(objective, parameters: &theta, config: TRPOConfig(maxKL: 0.01))
        #expect(result.accepted)
        #expect(result.kl <= 0.01 && result.kl > 1e-4)
        #expect(result.improvement > 0)
        #expect(theta != policy.parameters)
        // the reported numbers are those of the returned parameters, with θ'_i recomputed
        let (surrogate, kl) = objective.evaluate(at: theta)
        #expect(surrogate == result.surrogateAfter && kl == result.kl)
        #expect(result.stepFraction == pow08(result.backtracks))
        #expect(result.cgIterations == 10)
    }

    @Test func fullStepHasTheQuadraticKLOfTheBound() {
        // β0 scales the full step s so that ½ sᵀHs = δ; the KL is quadratic near θ, so a step of fraction f has
        // KL ≈ f² δ (the full step itself may exceed δ by the cubic term and be shrunk once)
        let objective = metaObjective()
        var theta = policy.parameters
        let result = TRPO.step(objective, parameters: &theta, config: TRPOConfig(maxKL: 1e-5))
        #expect(result.accepted && result.backtracks <= 1)
        let quadratic = result.stepFraction * result.stepFraction * 1e-5
        #expect(abs(result.kl / quadratic - 1) < 0.02, "KL \(result.kl), quadratic model \(quadratic)")
    }

    @Test func plainStepOnOnePolicyRespectsTheBound() {
        var rng = SplitMix64(seed: 41)
        let samples = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 900, using: &rng)
        let objective = SurrogateObjective(layout: policy.layout, samples: samples, threads: 2, chunkRows: 256)
        var theta = policy.parameters
        let before = objective.evaluate(at: theta)
        #expect(abs(before.surrogate + samples.advantages.reduce(0, +) / 900) < 1e-12)
        let result = TRPO.step(objective, parameters: &theta, config: TRPOConfig(maxKL: 0.01))
        #expect(result.accepted && result.kl <= 0.01 && result.improvement > 0)
        // the KL is that of the policy itself, against the recorded sampling distribution
        let output = GaussianMLPPolicy(layout: policy.layout, parameters: theta)
        let means = output.means(observations: samples.observations), logStd = output.logStd()
        var kl = 0.0
        for r in 0..<900 {
            kl += DiagonalGaussian.kl(
                oldMean: Array(samples.oldMeans[(2 * r)..<(2 * r + 2)]),
                oldLogStd: Array(samples.oldLogStds[(2 * r)..<(2 * r + 2)]),
                newMean: Array(means[(2 * r)..<(2 * r + 2)]), newLogStd: logStd)
        }
        #expect(relativeError(kl / 900, result.kl) < 1e-10)
    }

    @Test func stepWithoutAnImprovingDirectionIsRejected() {
        // zero advantages: the surrogate is constant, no candidate strictly improves, θ stays
        var rng = SplitMix64(seed: 43)
        var samples = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 100, using: &rng)
        samples.advantages = [Double](repeating: 0, count: 100)
        let objective = SurrogateObjective(layout: policy.layout, samples: samples)
        var theta = policy.parameters
        let result = TRPO.step(objective, parameters: &theta)
        #expect(!result.accepted && result.stepFraction == 0)
        #expect(theta == policy.parameters)
        #expect(result.surrogateAfter == result.surrogateBefore)
    }

    @Test func stepIsBitIdenticalForAnyThreadCount() {
        var results: [[Double]] = []
        for threads in [1, 2] {
            var theta = policy.parameters
            let result = TRPO.step(metaObjective(threads: threads), parameters: &theta)
            results.append(theta + [result.kl, result.surrogateAfter])
        }
        #expect(results[0] == results[1])
    }

    func pow08(_ j: Int) -> Double {
        var f = 1.0
        for _ in 0..<j { f *= 0.8 }
        return f
    }
}
