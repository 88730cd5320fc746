import Core

/// Model-free TRPO as the paper's comparison ran it (rllab's TRPO; docs/algorithm.md §6, "Model-free"): each iteration
/// 50 000 real steps with the current stochastic policy (250 environments of 200-step episodes; an environment whose
/// episode ends early is reset and keeps sampling, and the iteration stops once its completed episodes hold 50 000
/// steps), advantages from the linear feature baseline (predicted before it is refitted, as rllab's sampler does),
/// then one TRPO step (KL 0.01, the same conjugate gradient and line search as the meta-step) on all of it.
///
/// No model is learned: the context's ensemble is the one-unit placeholder the preset asks for and is never fitted.
/// `trajectories.h5` keeps a bounded subset of the real data (``recordedEpisodes`` episodes of every
/// ``recordingInterval``-th iteration), since a run takes 10⁷–10⁸ steps.
public final class TRPOTrainer: Trainer, KeepsLinearBaseline {
    public let context: TrainingContext
    var baseline = LinearFeatureBaseline()
    var config: TrainingConfig { context.config }

    public static let explorationPolicyName = "policy"
    public static let learnsDynamics = false
    /// Trajectory files keep the first ``recordedEpisodes`` completed episodes of iterations 0, 10, 20, …
    public static let recordingInterval = 10, recordedEpisodes = 10

    /// The paper's model-free TRPO: one policy (2×32 tanh, σ = 1), 250 × 200 = 50 000 real steps per iteration,
    /// 1 000 iterations (5·10⁷ steps), one TRPO step each, predict-then-fit baseline, γ 0.99, λ 1, standardized
    /// advantages; no model (a one-unit placeholder ensemble keeps checkpoints small).
    public static func applyPaperSettings(to config: inout TrainingConfig) {
        config.iterations = 1_000
        config.meta.metaBatchSize = 1
        config.meta.stepsPerIteration = 1
        config.sampling.realRolloutsPerTask = 250
        config.sampling.evaluate = false
        config.advantages.baselineOrder = .predictThenFit
        applyModelFreePlaceholder(to: &config)
    }

    /// The smallest ensemble a configuration allows, for algorithms that learn no model (its settings are unused).
    static func applyModelFreePlaceholder(to config: inout TrainingConfig) {
        config.dynamics.members = 1
        config.dynamics.hiddenSizes = [1]
        config.dynamics.maxEpochs = 1
        config.dynamics.bufferCapacity = 1
    }

    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        context = TrainingContext(config: config, real: real, environment: environment)
    }

    public func runIteration(progress: (String) -> Void = { _ in }) throws -> IterationResult {
        try context.runIteration { log in
            progress("sampling")
            let paths = try context.collectModelFreeBatch(log: &log)
            var clock = Stopwatch()

            progress("policy step")
            let samples = context.policySamples(of: paths, baseline: &baseline)
            log.record("Time-SampleProc", clock.lap())
            let objective = SurrogateObjective(
                layout: context.policy.layout, samples: samples, threads: config.threads,
                precision: config.meta.trpo.curvaturePrecision)
            var parameters = context.policy.parameters
            let result = TRPO.step(objective, parameters: &parameters, config: config.meta.trpo)
            context.policy.parameters = parameters
            log.record("Time-PolicyStep", clock.lap())
            log.record("TRPO-Accepted", result.accepted ? 1 : 0)
            log.record("TRPO-MeanKL", result.kl)
            log.record("TRPO-MeanStepFraction", result.stepFraction)
            context.recordPolicyStd(log: &log)
        }
    }

}

extension TrainingContext {
    /// A model-free algorithm's batch: real rollouts until `realStepsPerIteration` completed steps, all counted, of
    /// `controller` (default: the context's policy); a bounded subset recorded (``TRPOTrainer/recordedEpisodes``
    /// episodes every ``TRPOTrainer/recordingInterval``-th iteration); the time logged as `Time-EnvSampling`.
    func collectModelFreeBatch(
        log: inout IterationLog,
        controller: (
            (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, inout SplitMix64) -> Void
        )? = nil
    ) throws -> [Trajectory] {
        var clock = Stopwatch()
        let paths =
            try controller.map { try sampleReal($0) } ?? sampleReal(parameterSets: [policy.parameters])
        countRealSteps(paths, log: &log)
        if iteration % TRPOTrainer.recordingInterval == 0 {
            record(.exploration, Array(paths.prefix(TRPOTrainer.recordedEpisodes)))
        }
        log.record("Time-EnvSampling", clock.lap())
        return paths
    }

    /// Counts real training data that every step of which is logged (model-free algorithms: `n_timesteps` is the
    /// real steps taken) and logs its returns as `EnvTrajs`.
    func countRealSteps(_ paths: [Trajectory], log: inout IterationLog) {
        let steps = paths.reduce(0) { $0 + $1.length }
        loggedTimesteps += steps
        realSteps += steps
        log.record(returns: ReturnStatistics(paths: paths), prefix: "EnvTrajs")
    }

    /// The policy samples of real `paths` collected with the current policy: advantages from `baseline`, and the
    /// sampling distribution (μ_θ(o), ℓ) recomputed for the TRPO surrogate's ratios.
    func policySamples(of paths: [Trajectory], baseline: inout LinearFeatureBaseline) -> PolicySamples {
        let observations = paths.flatMap(\.observations), actions = paths.flatMap(\.actions)
        let (means, logStds) = policy.blockDistributions(observations: observations, parameterSets: [policy.parameters])
        return policySamples(
            observations: observations, actions: actions, rewards: paths.flatMap(\.rewards),
            lengths: paths.map(\.length), means: means, logStds: logStds, baseline: &baseline)
    }
}
