import Core
import Learner
import Testing
import _TestSupport

/// The derivatives of the plain TRPO objective (one policy, rows cut into chunks of unequal size: TRPO and ME-TRPO)
/// and of one post-update loss, against central finite differences; also where a log-std sits below its clamp.
@Suite struct PlainObjectiveGradientTests {
    /// PolicyFixture's policy, or the same parameters under a clamp at −0.5 with the first log-std parameter at
    /// −0.8 below it (log σ = −0.5 there, and no derivative along that parameter).
    static func policy(clamped: Bool) -> GaussianMLPPolicy {
        let base = PolicyFixture.policy()
        guard clamped else { return base }
        let layout = PolicyLayout(observationSize: 3, actionSize: 2, hiddenSizes: [5, 4], minLogStd: -0.5)
        var parameters = base.parameters
        parameters[layout.logStdOffset] = -0.8
        parameters[layout.logStdOffset + 1] = 0.1
        return GaussianMLPPolicy(layout: layout, parameters: parameters)
    }

    /// 100 rows sampled at the policy's parameters, cut into chunks of 37, 37 and 26 rows, blocks of 16.
    static func objective(_ policy: GaussianMLPPolicy) -> (SurrogateObjective, PolicySamples) {
        var rng = SplitMix64(seed: 53)
        let samples = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 100, using: &rng)
        let objective = SurrogateObjective(
            layout: policy.layout, samples: samples, threads: 2, chunkRows: 37, blockRows: 16)
        return (objective, samples)
    }

    /// A point away from the sampling one (ratios ≠ 1, KL gradient ≠ 0); the clamped parameter stays below −0.5.
    static func shifted(_ policy: GaussianMLPPolicy) -> [Double] {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 37)
        return zip(policy.parameters, v).map { $0 + 0.05 * $1 }
    }

    @Test(arguments: [false, true])
    func surrogateAndKLGradientsMatchFiniteDifferences(clamped: Bool) {
        let policy = Self.policy(clamped: clamped)
        let (objective, _) = Self.objective(policy)
        let theta = Self.shifted(policy)
        #expect(!clamped || theta[policy.layout.logStdOffset] < policy.layout.minLogStd - 0.1)
        let gradient = objective.linearize(at: theta).gradient
        let fd = finiteDifferenceGradient(at: theta, step: 1e-5) { objective.evaluate(at: $0).surrogate }
        let error = maxRelativeError(gradient, fd, floor: 1e-4)
        #expect(error < 1e-6, "surrogate gradient relative error \(error)")
        let kl = objective.gradients(at: theta).kl
        let klFD = finiteDifferenceGradient(at: theta, step: 1e-5) { objective.evaluate(at: $0).kl }
        let klError = maxRelativeError(kl, klFD, floor: 1e-4)
        #expect(klError < 1e-6, "KL gradient relative error \(klError)")
        let s = policy.layout.logStdOffset
        #expect(clamped ? gradient[s] == 0 && kl[s] == 0 : abs(gradient[s]) > 1e-3 && abs(kl[s]) > 1e-4)
        #expect(gradient[s + 1] != 0 && kl[s + 1] != 0)
    }

    @Test(arguments: [false, true])
    func klHessianProductMatchesFiniteDifferencesOfTheKLGradient(clamped: Bool) {
        // at the sampling point KL = 0, and its Hessian is the Fisher matrix (1/N) Σ JᵀGJ over all chunks
        let policy = Self.policy(clamped: clamped)
        let (objective, _) = Self.objective(policy)
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 41)
        let (_, kl, _) = objective.linearize(at: policy.parameters)
        #expect(abs(kl) < 1e-12)
        let product = objective.klHessianProduct(v)
        let fd = directionalDifference(at: policy.parameters, along: v) { objective.gradients(at: $0).kl }
        let error = maxRelativeError(product, fd, floor: 1e-4)
        #expect(error < 1e-6, "Fisher product relative error \(error)")
        #expect(clamped ? product[policy.layout.logStdOffset] == 0 : product[policy.layout.logStdOffset] != 0)
    }

    @Test func chunksWeighTheirRowsAsOneBatch() {
        // the chunk weights N_i/N make the objective that of the whole batch: one chunk gives the same numbers
        let policy = Self.policy(clamped: false)
        let (chunked, samples) = Self.objective(policy)
        let whole = SurrogateObjective(layout: policy.layout, samples: samples, chunkRows: 100, blockRows: 16)
        let theta = Self.shifted(policy)
        let a = chunked.linearize(at: theta), b = whole.linearize(at: theta)
        #expect(relativeError(a.surrogate, b.surrogate) < 1e-12 && relativeError(a.kl, b.kl) < 1e-12)
        #expect(maxRelativeError(a.gradient, b.gradient, floor: 1e-8) < 1e-10)
    }

    @Test(arguments: [false, true])
    func postUpdateLossGradientsMatchFiniteDifferences(clamped: Bool) {
        // one loss on its own: ∇ of Σ_t ratio_t Â_t's surrogate and of the KL sum, at θ' away from the sampling point
        let policy = Self.policy(clamped: clamped)
        var rng = SplitMix64(seed: 59)
        let samples = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 45, using: &rng)
        let loss = PostUpdateLoss(layout: policy.layout, samples: samples, blockRows: 16)
        let theta = Self.shifted(policy)
        let (_, _, surrogateGradient, klGradient) = loss.gradients(at: theta)
        let surrogateFD = finiteDifferenceGradient(at: theta, step: 1e-5) { loss.gradients(at: $0).surrogate }
        let klFD = finiteDifferenceGradient(at: theta, step: 1e-5) { loss.gradients(at: $0).klSum }
        let surrogateError = maxRelativeError(surrogateGradient, surrogateFD, floor: 1e-4)
        let klError = maxRelativeError(klGradient, klFD, floor: 1e-4)
        #expect(surrogateError < 1e-6, "surrogate gradient relative error \(surrogateError)")
        #expect(klError < 1e-6, "KL gradient relative error \(klError)")
        #expect(
            !clamped
                || (surrogateGradient[policy.layout.logStdOffset] == 0 && klGradient[policy.layout.logStdOffset] == 0))
    }
}
