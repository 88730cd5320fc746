import Core
import Learner
import Testing

/// Batched rollouts of a Gaussian policy on PointMass, as a tiny stand-in for the training loop's sampler.
struct PointMassSampler {
    let episodes: Int
    let config = PointMass.Config()

    /// `episodes` parallel episodes with parameters θ; returns the policy samples (advantages per `advantage`) and the
    /// average undiscounted return.
    func collect(
        policy: GaussianMLPPolicy, parameters: [Double], baseline: inout LinearFeatureBaseline,
        advantage: AdvantageConfig, using rng: inout SplitMix64
    ) throws -> (samples: PolicySamples, averageReturn: Double) {
        let envs = (0..<episodes).map { _ in PointMass(config: config) }
        var current = envs.flatMap { $0.reset(using: &rng) }
        let horizon = config.horizon
        // per time step, all episodes: (episodes × 6), (episodes × 2)
        var observations: [[Double]] = [], actions: [[Double]] = [], means: [[Double]] = [], logStds: [[Double]] = []
        var rewards: [[Double]] = []
        for _ in 0..<horizon {
            let output = policy.sample(observations: current, parameters: parameters, using: &rng)
            var stepRewards = [Double](), next = [Double]()
            for (e, env) in envs.enumerated() {
                let result = try env.step(Array(output.actions[(2 * e)..<(2 * e + 2)]))
                stepRewards.append(result.reward)
                next += result.observation
            }
            observations.append(current)
            actions.append(output.actions)
            means.append(output.means)
            logStds.append(output.logStds)
            rewards.append(stepRewards)
            current = next
        }
        // reorder time-major → path-major
        func pathMajor(_ x: [[Double]], width: Int) -> [Double] {
            (0..<episodes).flatMap { e in (0..<horizon).flatMap { t in x[t][(width * e)..<(width * e + width)] } }
        }
        let paths = PathBatch(
            observationSize: 6, observations: pathMajor(observations, width: 6),
            rewards: pathMajor(rewards, width: 1), lengths: [Int](repeating: horizon, count: episodes))
        let advantages = Advantages.compute(paths, baseline: &baseline, config: advantage).advantages
        let samples = PolicySamples(
            observationSize: 6, actionSize: 2, observations: paths.observations,
            actions: pathMajor(actions, width: 2), advantages: advantages,
            oldMeans: pathMajor(means, width: 2), oldLogStds: pathMajor(logStds, width: 2))
        return (samples, paths.rewards.reduce(0, +) / Double(episodes))
    }
}

@Suite(.serialized) struct PointMassLearningTests {
    @Test func trpoRaisesTheAverageReturn() throws {
        var rng = SplitMix64(seed: 10)
        var policy = GaussianMLPPolicy(observationSize: 6, actionSize: 2, using: &rng)
        let sampler = PointMassSampler(episodes: 20)
        var baseline = LinearFeatureBaseline()
        let advantage = AdvantageConfig(baselineOrder: .predictThenFit)  // ME-TRPO's order
        var returns: [Double] = []
        for _ in 0..<25 {
            let (samples, average) = try sampler.collect(
                policy: policy, parameters: policy.parameters,
                baseline: &baseline, advantage: advantage, using: &rng)
            returns.append(average)
            let objective = SurrogateObjective(layout: policy.layout, samples: samples, threads: 2)
            let step = TRPO.step(objective, parameters: &policy.parameters)
            #expect(!step.accepted || step.kl <= 0.01)
        }
        let first = returns.prefix(3).reduce(0, +) / 3, last = returns.suffix(3).reduce(0, +) / 3
        // the initial policy scores about −60; after 25 steps it reaches the goal and scores about −20
        #expect(last - first > 25, "returns \(returns)")
        #expect(last > -30, "returns \(returns)")
    }

    @Test func mamlTRPORaisesTheAveragePostUpdateReturn() throws {
        var rng = SplitMix64(seed: 20)
        var policy = GaussianMLPPolicy(observationSize: 6, actionSize: 2, using: &rng)
        let sampler = PointMassSampler(episodes: 10)
        let alpha = 0.01, taskCount = 4
        var returns: [Double] = []
        for _ in 0..<25 {
            var pres: [PolicySamples] = []
            for _ in 0..<taskCount {
                var baseline = LinearFeatureBaseline()
                pres.append(
                    try sampler.collect(
                        policy: policy, parameters: policy.parameters, baseline: &baseline,
                        advantage: AdvantageConfig(), using: &rng
                    ).samples)
            }
            let adapted = InnerStep.adapt(
                parameters: policy.parameters, tasks: pres, layout: policy.layout,
                stepSize: alpha, threads: 2)
            var tasks: [MetaTaskSamples] = [], postReturn = 0.0
            for i in 0..<taskCount {
                var baseline = LinearFeatureBaseline()
                let (post, average) = try sampler.collect(
                    policy: policy, parameters: adapted[i], baseline: &baseline,
                    advantage: AdvantageConfig(), using: &rng)
                tasks.append(MetaTaskSamples(pre: pres[i], post: post))
                postReturn += average / Double(taskCount)
            }
            returns.append(postReturn)
            let objective = SurrogateObjective(layout: policy.layout, tasks: tasks, innerStepSize: alpha, threads: 2)
            let step = TRPO.step(objective, parameters: &policy.parameters)
            #expect(!step.accepted || step.kl <= 0.01)
        }
        let first = returns.prefix(3).reduce(0, +) / 3, last = returns.suffix(3).reduce(0, +) / 3
        // about −50 → −15 with these seeds
        #expect(last - first > 25, "post-update returns \(returns)")
        #expect(last > -30, "post-update returns \(returns)")
    }
}
