import Core

/// The ME-TRPO baseline on MB-MPO's machinery (docs/algorithm.md §6): one policy, no adaptation, each iteration real
/// data with the current stochastic policy, an ensemble refit on all data, then plain TRPO steps, each on fresh
/// imagined rollouts where every row steps through an independent random member (no observation clip). The linear
/// baseline persists across steps and predicts before it is refitted (rllab's order).
public final class METRPOTrainer: Trainer, KeepsLinearBaseline {
    public let context: TrainingContext
    let imagination: ImaginedSampler
    /// Policy evaluation of the imagined rows, allocated once.
    let evaluator: PolicyBlockEvaluator
    var baseline = LinearFeatureBaseline()
    var config: TrainingConfig { context.config }

    public static let explorationPolicyName = "policy"

    /// docs/algorithm.md §6, §7: 4 000 random steps, 1 000 max epochs, all data kept, 50 000 imagined steps in rows
    /// of 100 random-member rollouts without clipping, predict-then-fit baseline.
    public static func applyPaperSettings(to config: inout TrainingConfig) {
        config.sampling.initialRandomSteps = 4_000
        config.sampling.imaginedRolloutsPerTask = 5
        config.sampling.imaginedSteps = 50_000
        config.sampling.clipObservations = nil
        config.dynamics.maxEpochs = 1_000
        config.dynamics.bufferCapacity = 100_000_000
        config.advantages.baselineOrder = .predictThenFit
    }

    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        context = TrainingContext(config: config, real: real, environment: environment)
        imagination = ImaginedSampler(
            ensemble: context.ensemble, environment: environment, rows: config.imaginedRows,
            tasks: 1, horizon: config.sampling.imaginedPathLength, propagation: .randomMember,
            clip: config.sampling.clipObservations, start: config.sampling.imaginedStart)
        evaluator = PolicyBlockEvaluator(layout: context.policy.layout, rows: config.imaginedRows)
    }

    public func runIteration(progress: (String) -> Void = { _ in }) throws -> IterationResult {
        try context.runIteration { log in
            progress("sampling")
            _ = try context.collectRealData(random: context.iteration == 0, log: &log) {
                try context.sampleReal(parameterSets: [context.policy.parameters])
            }
            var clock = Stopwatch()

            progress("model fit")
            try context.fitDynamics(log: &log)
            log.record("Time-ModelFit", clock.lap())

            var timing = MetaStepTiming()
            for step in 0..<config.meta.stepsPerIteration {
                progress("policy step \(step + 1)/\(config.meta.stepsPerIteration)")
                let imagined = policyStep(timing: &timing)
                if step == 0 { log.record("DynTrajs0-AverageReturn", imagined) }
                if step == config.meta.stepsPerIteration - 1 { log.record("DynTrajsLast-AverageReturn", imagined) }
            }
            timing.record(into: &log)
            context.recordPolicyStd(log: &log)
        }
    }

    /// Imagined rollouts with θ, advantages, one TRPO step; returns the imagined average return.
    func policyStep(timing: inout MetaStepTiming) -> Double {
        let policy = context.policy
        let theta = policy.parameters
        let evaluator = self.evaluator
        let paths = timing.measure(\.sampling) {
            imagination.sample(
                targetSteps: config.imaginedStepsPerPhase,
                policy: { observations, means, logStds in
                    evaluator.evaluate(
                        observations: observations, parameterSets: [theta], means: means, logStds: logStds)
                }, using: &context.imaginationRNG)[0]
        }
        let samples = timing.measure(\.processing) {
            context.policySamples(
                observations: paths.observations, actions: paths.actions, rewards: paths.rewards,
                lengths: paths.lengths, means: paths.means, logStds: paths.logStds,
                baseline: &baseline)
        }
        let result = timing.measure(\.outer) {
            let objective = SurrogateObjective(
                layout: policy.layout, samples: samples, threads: config.threads,
                precision: config.meta.trpo.curvaturePrecision)
            var parameters = theta
            let result = TRPO.step(objective, parameters: &parameters, config: config.meta.trpo)
            context.policy.parameters = parameters
            return result
        }
        timing.add(result)
        return ReturnStatistics(paths.returns).mean
    }
}
