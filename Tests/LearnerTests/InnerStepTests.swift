import Core
import Learner
import Testing
import _TestSupport

@Suite struct InnerStepTests {
    let policy = PolicyFixture.policy()
    var samples: PolicySamples {
        var rng = SplitMix64(seed: 11)
        return PolicyFixture.preSamples(layout: policy.layout, rows: 37, using: &rng)
    }

    @Test func lossIsMinusMeanAdvantageWeightedLogLikelihood() {
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let logLikelihoods = policy.logLikelihoods(observations: samples.observations, actions: samples.actions)
        let expected = -zip(logLikelihoods, samples.advantages).map { $0 * $1 }.reduce(0, +) / 37
        #expect(abs(loss.valueAndGradient(at: policy.parameters).value - expected) < 1e-12)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let analytic = loss.valueAndGradient(at: policy.parameters).gradient
        let fd = finiteDifferenceGradient(at: policy.parameters, step: 1e-5) { loss.valueAndGradient(at: $0).value }
        #expect(maxRelativeError(analytic, fd, floor: 1e-4) < 1e-6)
        #expect(analytic != fd)
        #expect(analytic.allSatisfy { $0 != 0 })
    }

    @Test func hessianVectorProductMatchesFiniteDifferencesOfGradient() {
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 5)
        _ = loss.valueAndGradient(at: policy.parameters)
        let analytic = loss.hessianProduct(v)
        let fd = directionalDifference(at: policy.parameters, along: v) { loss.valueAndGradient(at: $0).gradient }
        #expect(maxRelativeError(analytic, fd, floor: 1e-4) < 1e-6)
        #expect(analytic != fd)
    }

    @Test func hessianIsSymmetric() {
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let u = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 8)
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 9)
        _ = loss.valueAndGradient(at: policy.parameters)
        let uHv = zip(u, loss.hessianProduct(v)).map { $0 * $1 }.reduce(0, +)
        let vHu = zip(v, loss.hessianProduct(u)).map { $0 * $1 }.reduce(0, +)
        #expect(relativeError(uHv, vHu) < 1e-12)
    }

    @Test func adaptationIsOneGradientStepOnEveryParameter() {
        let alpha = 0.001
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let g = loss.valueAndGradient(at: policy.parameters).gradient
        let adapted = InnerStep.adapt(
            parameters: policy.parameters, tasks: [samples], layout: policy.layout,
            stepSize: alpha)[0]
        for k in 0..<g.count { #expect(adapted[k] == policy.parameters[k] - alpha * g[k]) }
        // the log-std adapts too
        let s = policy.layout.logStdOffset
        #expect(adapted[s] != policy.parameters[s])
    }

    @Test func adaptationIsBitIdenticalForAnyThreadCount() {
        var rng = SplitMix64(seed: 21)
        let tasks = (0..<5).map { _ in PolicyFixture.preSamples(layout: policy.layout, rows: 700, using: &rng) }
        let one = InnerStep.adapt(parameters: policy.parameters, tasks: tasks, layout: policy.layout, threads: 1)
        let two = InnerStep.adapt(parameters: policy.parameters, tasks: tasks, layout: policy.layout, threads: 2)
        let three = InnerStep.adapt(parameters: policy.parameters, tasks: tasks, layout: policy.layout, threads: 3)
        #expect(one == two && one == three)
    }

    @Test func clampedLogStdGetsNoGradient() {
        var theta = policy.parameters
        let s = policy.layout.logStdOffset
        theta[s] = policy.layout.minLogStd - 1
        let loss = InnerLoss(layout: policy.layout, samples: samples)
        let g = loss.valueAndGradient(at: theta).gradient
        #expect(g[s] == 0 && g[s + 1] != 0)
    }
}
