import Core
import Learner

/// Synthetic data for the policy and optimizer tests: a small network, random but reproducible samples.
enum PolicyFixture {
    /// A 3 → 5 → 4 → 2 policy with nonzero biases and log-stds so that no derivative is trivially zero.
    static func policy(
        seed: UInt64 = 1, observationSize: Int = 3, actionSize: Int = 2,
        hidden: [Int] = [5, 4]
    ) -> GaussianMLPPolicy {
        var rng = SplitMix64(seed: seed)
        var policy = GaussianMLPPolicy(
            observationSize: observationSize, actionSize: actionSize,
            config: PolicyConfig(hiddenSizes: hidden), using: &rng)
        let layout = policy.layout
        for l in 0..<layout.biasOffsets.count {
            for j in 0..<layout.widths[l + 1] {
                policy.parameters[layout.biasOffsets[l] + j] = rng.nextUniform(-0.3, 0.3)
            }
        }
        for j in 0..<actionSize { policy.parameters[layout.logStdOffset + j] = rng.nextUniform(-0.4, 0.3) }
        return policy
    }

    static func gaussians(_ count: Int, scale: Double = 1, using rng: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in scale * rng.nextGaussian() }
    }

    /// Pre-update samples: random observations, actions and advantages.
    static func preSamples(layout: PolicyLayout, rows: Int, using rng: inout SplitMix64) -> PolicySamples {
        PolicySamples(
            observationSize: layout.observationSize, actionSize: layout.actionSize,
            observations: gaussians(rows * layout.observationSize, using: &rng),
            actions: gaussians(rows * layout.actionSize, using: &rng),
            advantages: gaussians(rows, using: &rng))
    }

    /// Post-update samples drawn from `policy` at `theta` (sampling distribution recorded), random advantages.
    static func postSamples(
        policy: GaussianMLPPolicy, theta: [Double], rows: Int,
        using rng: inout SplitMix64
    ) -> PolicySamples {
        let layout = policy.layout
        let observations = gaussians(rows * layout.observationSize, using: &rng)
        let output = policy.sample(observations: observations, parameters: theta, using: &rng)
        return PolicySamples(
            observationSize: layout.observationSize, actionSize: layout.actionSize,
            observations: observations, actions: output.actions,
            advantages: gaussians(rows, using: &rng), oldMeans: output.means,
            oldLogStds: output.logStds)
    }

    /// Meta tasks whose post-update data were sampled from θ'_i(θ) (so KL = 0 and ratio = 1 at θ).
    static func metaTasks(
        policy: GaussianMLPPolicy, count: Int, preRows: Int, postRows: Int, alpha: Double,
        seed: UInt64 = 7
    ) -> [MetaTaskSamples] {
        var rng = SplitMix64(seed: seed)
        let pres = (0..<count).map { _ in preSamples(layout: policy.layout, rows: preRows, using: &rng) }
        let adapted = InnerStep.adapt(
            parameters: policy.parameters, tasks: pres, layout: policy.layout, stepSize: alpha)
        return (0..<count).map { i in
            MetaTaskSamples(
                pre: pres[i], post: postSamples(policy: policy, theta: adapted[i], rows: postRows, using: &rng))
        }
    }

    /// A random direction with entries of order 1.
    static func direction(count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return gaussians(count, using: &rng)
    }
}

/// Central finite difference of a vector-valued function along `v`: (f(θ + hv) − f(θ − hv)) / 2h.
func directionalDifference(
    at theta: [Double], along v: [Double], step h: Double = 1e-5,
    _ f: ([Double]) -> [Double]
) -> [Double] {
    let plus = f(zip(theta, v).map { $0 + h * $1 }), minus = f(zip(theta, v).map { $0 - h * $1 })
    return zip(plus, minus).map { ($0 - $1) / (2 * h) }
}
