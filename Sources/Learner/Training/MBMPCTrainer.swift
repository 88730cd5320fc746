import Core

/// The MB-MPC baseline (docs/algorithm.md §6): no learned policy; at every real step each environment executes the
/// first action of the best of `candidates` uniform random action sequences of length `planningHorizon`, scored by the
/// discounted model reward of their rollout through random ensemble members (no termination handling).
public final class MBMPCTrainer: Trainer {
    public let context: TrainingContext
    let planner: RandomShootingPlanner
    var config: TrainingConfig { context.config }

    public static let explorationPolicyName = "mpc"

    /// docs/algorithm.md §6: 4 000 random steps, no policy to evaluate, up to 200 epochs per fit.
    public static func applyPaperSettings(to config: inout TrainingConfig) {
        config.sampling.initialRandomSteps = 4_000
        config.sampling.evaluate = false
        config.dynamics.maxEpochs = 200
    }

    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        context = TrainingContext(config: config, real: real, environment: environment)
        planner = RandomShootingPlanner(
            ensemble: context.ensemble, environment: environment, config: config.mpc,
            environments: config.realEnvironments)
    }

    public func runIteration(progress: (String) -> Void = { _ in }) throws -> IterationResult {
        try context.runIteration { log in
            progress("sampling")
            let planner = self.planner
            _ = try context.collectRealData(random: context.iteration == 0, log: &log) {
                try context.sampleReal { observations, actions, rng in
                    planner.plan(observations: observations, into: actions, using: &rng)
                }
            }
            var clock = Stopwatch()
            progress("model fit")
            try context.fitDynamics(log: &log)
            log.record("Time-ModelFit", clock.lap())
        }
    }

    /// The planner acting for one real environment at a time (for evaluation): the first action of the best random
    /// sequence for `observation`, drawn from `rng`.
    public func singleEnvironmentController() -> (_ observation: [Double], _ rng: inout SplitMix64) -> [Double] {
        let planner = RandomShootingPlanner(
            ensemble: context.ensemble, environment: context.environment, config: config.mpc, environments: 1)
        let actionSize = context.spec.actionSize
        return { observation, rng in
            var action = [Double](repeating: 0, count: actionSize)
            observation.withUnsafeBufferPointer { o in
                action.withUnsafeMutableBufferPointer { planner.plan(observations: o, into: $0, using: &rng) }
            }
            return action
        }
    }

    public var algorithmState: AlgorithmState { AlgorithmState() }

    public func validateAlgorithmState(_ state: AlgorithmState) throws {}

    public func restoreAlgorithmState(_ state: AlgorithmState) {}
}

/// Random-shooting model-predictive control through the ensemble.
final class RandomShootingPlanner {
    let ensemble: DynamicsEnsemble
    let environment: any Environment
    let config: MPCConfig
    let rows: Int
    let workspace: EnsembleWorkspace<Double>
    // (rows × …) buffers: current and next observations, actions of all steps, returns
    var states: [Double], next: [Double], sequences: [Double], step: [Double], rewards: [Double], returns: [Double]

    init(ensemble: DynamicsEnsemble, environment: any Environment, config: MPCConfig, environments: Int) {
        self.ensemble = ensemble
        self.environment = environment
        self.config = config
        rows = environments * config.candidates
        let (o, a) = (environment.spec.observationSize, environment.spec.actionSize)
        workspace = EnsembleWorkspace(ensemble: ensemble, capacity: rows)
        states = [Double](repeating: 0, count: rows * o)
        next = states
        sequences = [Double](repeating: 0, count: rows * config.planningHorizon * a)
        step = [Double](repeating: 0, count: rows * a)
        rewards = [Double](repeating: 0, count: rows)
        returns = rewards
    }

    /// Fills actions (environments × actionSize) with the first action of each environment's best sequence.
    func plan(
        observations: UnsafeBufferPointer<Double>, into actions: UnsafeMutableBufferPointer<Double>,
        using rng: inout SplitMix64
    ) {
        let (o, a, h, c) = (
            environment.spec.observationSize, environment.spec.actionSize, config.planningHorizon,
            config.candidates
        )
        let environments = observations.count / o
        for e in 0..<environments {
            for k in 0..<c { for j in 0..<o { states[(e * c + k) * o + j] = observations[e * o + j] } }
        }
        for i in 0..<sequences.count { sequences[i] = rng.nextUniform(-1, 1) }
        for i in 0..<rows { returns[i] = 0 }
        var weight = 1.0
        for t in 0..<h {
            for r in 0..<rows { for j in 0..<a { step[r * a + j] = sequences[(r * h + t) * a + j] } }
            states.withUnsafeBufferPointer { s in
                step.withUnsafeBufferPointer { u in
                    next.withUnsafeMutableBufferPointer { n in
                        ensemble.predict(
                            observations: s.baseAddress!, actions: u.baseAddress!, rows: rows,
                            into: n.baseAddress!, propagation: .randomMember, workspace: workspace,
                            using: &rng)
                    }
                }
            }
            states.withUnsafeBufferPointer { s in
                step.withUnsafeBufferPointer { u in
                    next.withUnsafeBufferPointer { n in
                        rewards.withUnsafeMutableBufferPointer { r in
                            environment.modelRewards(observations: s, actions: u, nextObservations: n, into: r)
                        }
                    }
                }
            }
            for r in 0..<rows { returns[r] += weight * rewards[r] }
            weight *= config.discount
            swap(&states, &next)
        }
        for e in 0..<environments {
            var best = e * c
            for k in (e * c)..<((e + 1) * c) where returns[k] > returns[best] { best = k }
            for j in 0..<a { actions[e * a + j] = sequences[(best * h) * a + j] }
        }
    }
}
