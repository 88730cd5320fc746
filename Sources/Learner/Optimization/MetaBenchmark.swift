import Core

/// Timing of the meta-policy optimization at the paper's sizes on synthetic data (`mbmpo bench meta`).
package enum MetaBenchmark {
    /// Sizes of the benchmark problem (defaults: 20 tasks, 10 000 + 10 000 samples per task, half-cheetah dims).
    package struct Configuration: Sendable {
        /// Meta-batch size M.
        package var tasks = 20
        /// Pre-update rows per task.
        package var preSamples = 10_000
        /// Post-update rows per task.
        package var postSamples = 10_000
        /// Observation length (17 for half-cheetah).
        package var observationSize = 17
        /// Action length (6 for half-cheetah).
        package var actionSize = 6
        /// Policy architecture.
        package var policy = PolicyConfig()
        /// Inner step size α.
        package var innerStepSize = 0.001
        /// TRPO constants.
        package var trpo = TRPOConfig()
        /// Timed repetitions; the fastest is reported.
        package var repeats = 3
        /// Seed of the synthetic data.
        package var seed: UInt64 = 1
        /// Rows per block in the network passes.
        package var blockRows = 512

        /// The paper's sizes.
        package init() {}
    }

    /// Seconds spent in each part (fastest repetition of each).
    package struct Result: Sendable {
        /// Worker threads used.
        package var threads: Int
        /// One inner step: θ'_i for all tasks (gradient of L_inner on the pre-update data).
        package var innerStep: Double
        /// Loading a meta-step's data into the objective (sampling log-likelihoods; buffers are reused).
        package var setup: Double
        /// Meta-step parts: second-order gradient, CG, line search.
        package var timing: TRPOTiming
        /// CG iterations (KL-Hessian products) in the timed step.
        package var cgIterations: Int
        /// Backtracks of the timed step.
        package var backtracks: Int
        /// Whether the timed step was accepted.
        package var accepted: Bool
        /// Mean KL after the step.
        package var kl: Double
        /// Arithmetic of the Hessian products.
        package var precision: CurvaturePrecision
        /// θ before and after the timed step (to compare precisions).
        package var parametersBefore: [Double], parametersAfter: [Double]
        /// Wall-clock of one full meta-step (setup + gradient + CG + line search).
        package var metaStep: Double { setup + timing.total }
        /// Seconds per KL-Hessian product (J ᵀ F J v over all tasks).
        package var product: Double { timing.conjugateGradient / Double(max(cgIterations, 1)) }
    }

    /// Synthetic tasks: Gaussian observations; pre-update actions from θ, post-update actions from θ'_i.
    package static func makeTasks(_ c: Configuration, policy: GaussianMLPPolicy, threads: Int) -> [MetaTaskSamples] {
        var rng = SplitMix64(seed: c.seed)
        func gaussians(_ n: Int) -> [Double] { (0..<n).map { _ in rng.nextGaussian() } }
        let pres: [PolicySamples] = (0..<c.tasks).map { _ in
            let observations = gaussians(c.preSamples * c.observationSize)
            let actions = policy.sample(observations: observations, using: &rng).actions
            return PolicySamples(
                observationSize: c.observationSize, actionSize: c.actionSize, observations: observations,
                actions: actions, advantages: Advantages.standardized(gaussians(c.preSamples)))
        }
        let adapted = InnerStep.adapt(
            parameters: policy.parameters, tasks: pres, layout: policy.layout,
            stepSize: c.innerStepSize, threads: threads)
        return (0..<c.tasks).map { i in
            let observations = gaussians(c.postSamples * c.observationSize)
            let output = policy.sample(observations: observations, parameters: adapted[i], using: &rng)
            let post = PolicySamples(
                observationSize: c.observationSize, actionSize: c.actionSize,
                observations: observations, actions: output.actions,
                advantages: Advantages.standardized(gaussians(c.postSamples)),
                oldMeans: output.means, oldLogStds: output.logStds)
            return MetaTaskSamples(pre: pres[i], post: post)
        }
    }

    /// Times one inner step and one meta-step on `threads` workers (fastest of `repeats` for each part).
    /// OpenBLAS runs single-threaded throughout (parallelism is over tasks), so its idle threads do not compete.
    package static func run(_ c: Configuration = Configuration(), threads: Int) -> Result {
        BLAS.pinSingleThread()
        var rng = SplitMix64(seed: c.seed ^ 0x5EED)
        let policy = GaussianMLPPolicy(
            observationSize: c.observationSize, actionSize: c.actionSize, config: c.policy,
            using: &rng)
        let tasks = makeTasks(c, policy: policy, threads: threads)
        // the training loop builds the objective once and reloads each meta-step's data into it
        let objective = SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: c.innerStepSize,
            threads: threads, blockRows: c.blockRows, precision: c.trpo.curvaturePrecision)
        var best: Result?
        for _ in 0..<max(1, c.repeats) {
            var clock = Stopwatch()
            _ = InnerStep.adapt(
                parameters: policy.parameters, tasks: tasks.map(\.pre), layout: policy.layout,
                stepSize: c.innerStepSize, threads: threads, blockRows: c.blockRows)
            let innerStep = clock.lap()
            objective.update(tasks: tasks)
            let setup = clock.lap()
            var theta = policy.parameters
            let step = TRPO.step(objective, parameters: &theta, config: c.trpo)
            let result = Result(
                threads: threads, innerStep: innerStep, setup: setup, timing: step.timing,
                cgIterations: step.cgIterations,
                backtracks: step.backtracks, accepted: step.accepted, kl: step.kl,
                precision: c.trpo.curvaturePrecision, parametersBefore: policy.parameters,
                parametersAfter: theta)
            best = best.map { fastest($0, result) } ?? result
        }
        return best!
    }

    private static func fastest(_ a: Result, _ b: Result) -> Result {
        var out = a.metaStep <= b.metaStep ? a : b
        out.innerStep = min(a.innerStep, b.innerStep)
        out.setup = min(a.setup, b.setup)
        out.timing.gradient = min(a.timing.gradient, b.timing.gradient)
        out.timing.conjugateGradient = min(a.timing.conjugateGradient, b.timing.conjugateGradient)
        out.timing.lineSearch = min(a.timing.lineSearch, b.timing.lineSearch)
        return out
    }
}
