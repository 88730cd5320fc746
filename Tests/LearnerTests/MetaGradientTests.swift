import Core
import Learner
import Testing
import _TestSupport

/// The meta-objective's derivatives against central finite differences of the objective with θ'_i recomputed.
@Suite struct MetaGradientTests {
    let policy = PolicyFixture.policy()
    /// A large inner step so that the second-order term (−α ∇²L_inner · u) is far above finite-difference noise.
    let alpha = 0.3

    func objective(threads: Int = 1, alpha: Double? = nil) -> SurrogateObjective {
        let a = alpha ?? self.alpha
        let tasks = PolicyFixture.metaTasks(policy: policy, count: 3, preRows: 41, postRows: 29, alpha: a)
        return SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: a, threads: threads, blockRows: 16)
    }

    /// Shifts θ away from the sampling point so that ratios ≠ 1 and the KL gradient ≠ 0.
    var shifted: [Double] {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 31)
        return zip(policy.parameters, v).map { $0 + 0.05 * $1 }
    }

    @Test func surrogateGradientMatchesFiniteDifferencesAndNeedsTheSecondOrderTerm() {
        let objective = objective()
        let analytic = objective.linearize(at: shifted).gradient
        let fd = finiteDifferenceGradient(at: shifted, step: 1e-5) { objective.evaluate(at: $0).surrogate }
        let error = maxRelativeError(analytic, fd, floor: 1e-4)
        #expect(error < 1e-6, "meta-gradient relative error \(error)")
        #expect(analytic != fd)

        // first-order MAML (J = I): the mean of the post-update gradients at θ'_i, without the Hessian term
        let adapted = objective.adaptedParameters(at: shifted)
        let tasks = PolicyFixture.metaTasks(policy: policy, count: 3, preRows: 41, postRows: 29, alpha: alpha)
        var firstOrder = [Double](repeating: 0, count: analytic.count)
        for (i, task) in tasks.enumerated() {
            let g = PostUpdateLoss(layout: policy.layout, samples: task.post).gradients(at: adapted[i])
                .surrogateGradient
            for k in 0..<g.count { firstOrder[k] += g[k] / 3 }
        }
        let firstOrderError = maxRelativeError(firstOrder, fd, floor: 1e-4)
        #expect(firstOrderError > 1e-2, "first-order gradient error only \(firstOrderError)")
    }

    @Test func klGradientMatchesFiniteDifferences() {
        let objective = objective()
        let analytic = objective.gradients(at: shifted).kl
        let fd = finiteDifferenceGradient(at: shifted, step: 1e-5) { objective.evaluate(at: $0).kl }
        let error = maxRelativeError(analytic, fd, floor: 1e-4)
        #expect(error < 1e-6, "KL gradient relative error \(error)")
        #expect(analytic != fd)
    }

    @Test func klHessianProductMatchesFiniteDifferencesOfKLGradient() {
        // at θ the post-update data were sampled from θ'_i(θ): KL = 0 and its Hessian is (1/N) Σ JᵀFJ
        let objective = objective()
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 13)
        let (_, kl, _) = objective.linearize(at: policy.parameters)
        #expect(abs(kl) < 1e-12)
        let analytic = objective.klHessianProduct(v)
        let fd = directionalDifference(at: policy.parameters, along: v) { objective.gradients(at: $0).kl }
        let error = maxRelativeError(analytic, fd, floor: 1e-4)
        #expect(error < 1e-6, "JᵀFJ relative error \(error)")
        #expect(analytic != fd)
    }

    @Test func fisherProductOfOnePolicyMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 17)
        let samples = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 50, using: &rng)
        let loss = PostUpdateLoss(layout: policy.layout, samples: samples, blockRows: 16)
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 19)
        _ = loss.gradients(at: policy.parameters)
        let analytic = loss.fisherProduct(v)
        let fd = directionalDifference(at: policy.parameters, along: v) { loss.gradients(at: $0).klGradient }
        #expect(maxRelativeError(analytic, fd, floor: 1e-4) < 1e-6)
        #expect(analytic != fd)
    }

    @Test func surrogateAndKLAtTheSamplingPointAreTheirClosedForms() {
        // ratio = 1 at θ, so surrogate = −mean over tasks of mean Â
        let tasks = PolicyFixture.metaTasks(policy: policy, count: 3, preRows: 41, postRows: 29, alpha: alpha)
        let objective = SurrogateObjective(layout: policy.layout, tasks: tasks, innerStepSize: alpha)
        let expected = -tasks.map { $0.post.advantages.reduce(0, +) / 29 }.reduce(0, +) / 3
        let (surrogate, kl) = objective.evaluate(at: policy.parameters)
        #expect(abs(surrogate - expected) < 1e-12)
        #expect(abs(kl) < 1e-12)
    }

    @Test func resultsAreBitIdenticalForAnyThreadCount() {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 23)
        var outputs: [[Double]] = []
        for threads in [1, 2, 3] {
            let objective = objective(threads: threads)
            let (s, k, g) = objective.linearize(at: shifted)
            outputs.append([s, k] + g + objective.klHessianProduct(v))
        }
        #expect(outputs[0] == outputs[1] && outputs[0] == outputs[2])
    }

    @Test func reloadedObjectiveEqualsAFreshOne() {
        // reuse across meta-steps: load a batch with more rows, then one with fewer, and compare with fresh objectives
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 29)
        let small = PolicyFixture.metaTasks(policy: policy, count: 3, preRows: 41, postRows: 29, alpha: alpha)
        let large = PolicyFixture.metaTasks(policy: policy, count: 3, preRows: 60, postRows: 45, alpha: alpha, seed: 8)
        let reused = SurrogateObjective(layout: policy.layout, tasks: small, innerStepSize: alpha, blockRows: 16)
        for tasks in [large, small] {
            reused.update(tasks: tasks)
            let fresh = SurrogateObjective(layout: policy.layout, tasks: tasks, innerStepSize: alpha, blockRows: 16)
            let a = reused.linearize(at: shifted), b = fresh.linearize(at: shifted)
            #expect(a.gradient == b.gradient && a.surrogate == b.surrogate && a.kl == b.kl)
            #expect(reused.klHessianProduct(v) == fresh.klHessianProduct(v))
            #expect(reused.postSampleCount == tasks.reduce(0) { $0 + $1.post.count })
        }
    }
}
