import Core

#if canImport(Glibc)
    import Glibc
#endif

/// What every model-based trainer shares: the environments, the ensemble, the policy, the random streams, the
/// step counters, and the steps that collect real data and refit the ensemble.
public final class TrainingContext {
    public let config: TrainingConfig
    public let spec: EnvironmentSpec
    public let ensemble: DynamicsEnsemble
    public internal(set) var policy: GaussianMLPPolicy
    public internal(set) var iteration = 0
    /// Real steps as the original logs them (`n_timesteps`; the random phase counts as `initialRandomSteps`).
    public internal(set) var loggedTimesteps = 0
    /// Real steps actually taken for training data (evaluation rollouts excluded).
    public internal(set) var realSteps = 0
    /// Random streams: real action noise, imagined rollouts.
    public var actionRNG: SplitMix64
    public var imaginationRNG: SplitMix64
    /// The stream the deliberate model errors' offsets are drawn from (``ModelImperfection``), per iteration.
    let modelErrorStream: SplitMix64
    /// The processes this run is split over (MPI ranks; ``SingleProcess`` alone). Whatever the count, every rank
    /// computes the same numbers as one process. The meta-objective's tasks, the ensemble's members and the real
    /// environments are split over them.
    public var communicator: any Communicator = SingleProcess.shared {
        didSet {
            ensemble.communicator = communicator
            real.communicator = communicator
        }
    }
    /// The real trajectories of the iteration under way, by kind, in the order they were collected.
    private var collected: [(kind: RealRolloutKind, paths: [Trajectory])] = []
    let real: any TrajectorySampler
    let environment: any Environment

    /// - Parameters: real: `config.realEnvironments` environments; environment: an instance of the same task for
    ///   imagined resets and the model reward/done functions.
    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        precondition(
            real.environmentCount == config.realEnvironments,
            "the real sampler has \(real.environmentCount) environments, need \(config.realEnvironments)")
        // every product in training runs single-threaded inside our own fixed work partitions
        BLAS.pinSingleThread()
        self.config = config
        spec = environment.spec
        self.real = real
        self.environment = environment
        let root = SplitMix64(seed: config.seed)
        var policyRNG = root.derived(stream: 1)
        var modelRNG = root.derived(stream: 2)
        actionRNG = root.derived(stream: 3)
        imaginationRNG = root.derived(stream: 4)
        modelErrorStream = root.derived(stream: 5)
        policy = GaussianMLPPolicy(
            observationSize: spec.observationSize, actionSize: spec.actionSize,
            config: config.policy, using: &policyRNG)
        ensemble = DynamicsEnsemble(config: config.dynamics, spec: spec, using: &modelRNG, threads: config.threads)
        drawModelErrors()
    }

    /// Gives the ensemble the offsets of ``DynamicsConfig/imperfection`` for the iteration under way (or next): a
    /// function of the seed and the iteration alone, so nothing of it needs to be saved.
    func drawModelErrors() {
        let imperfection = config.dynamics.imperfection
        guard imperfection.isActive else { return }
        ensemble.setOutputOffsets(
            imperfection.offsets(members: ensemble.memberCount, iteration: iteration, stream: modelErrorStream))
    }

    /// The first iteration's data: uniform random actions until the completed paths hold `initialRandomSteps`.
    func collectRandomData() throws -> [Trajectory] {
        let paths = try withUnsafeMutablePointer(to: &actionRNG) { rng in
            try real.sample(
                horizon: config.sampling.horizon, stop: .completedSteps(config.sampling.initialRandomSteps),
                policy: uniformRandomPolicy(using: rng))
        }
        loggedTimesteps += config.sampling.initialRandomSteps
        realSteps += paths.reduce(0) { $0 + $1.length }
        record(.random, paths)
        return paths
    }

    /// Real rollouts until `realStepsPerIteration` completed steps, environment j acting with
    /// parameterSets[task of j] (a single set: every environment).
    func sampleReal(parameterSets: [[Double]]) throws -> [Trajectory] {
        let blocks =
            parameterSets.count == 1
            ? [[Double]](repeating: parameterSets[0], count: config.meta.metaBatchSize) : parameterSets
        let policy = self.policy
        return try sampleReal { observations, actions, rng in
            let output = policy.sampleBlocks(observations: Array(observations), parameterSets: blocks, using: &rng)
            for i in 0..<actions.count { actions[i] = output.actions[i] }
        }
    }

    /// Real rollouts until `realStepsPerIteration` completed steps with an arbitrary batch controller.
    func sampleReal(
        _ controller:
            @escaping (
                UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>,
                inout SplitMix64
            ) -> Void
    ) throws -> [Trajectory] {
        try withUnsafeMutablePointer(to: &actionRNG) { rng in
            try real.sample(horizon: config.sampling.horizon, stop: .completedSteps(config.realStepsPerIteration)) {
                observations, actions in controller(observations, actions, &rng.pointee)
            }
        }
    }

    /// Counts exploration data collected after the first iteration and logs its returns as `EnvTrajs`.
    func countExploration(_ paths: [Trajectory], log: inout IterationLog) {
        loggedTimesteps += config.realStepsPerIteration
        realSteps += paths.reduce(0) { $0 + $1.length }
        log.record(returns: ReturnStatistics(paths: paths), prefix: "EnvTrajs")
        record(.exploration, paths)
    }

    /// This iteration's training data: random actions while `random` (the first iteration), else `explore()`
    /// (counted and logged as `EnvTrajs`); the transitions go into the ensemble's buffer, the time into
    /// `Time-EnvSampling`.
    func collectRealData(
        random: Bool, log: inout IterationLog,
        explore: () throws -> [Trajectory]
    ) throws -> [Trajectory] {
        var clock = Stopwatch()
        let paths: [Trajectory]
        if random {
            paths = try collectRandomData()
        } else {
            paths = try explore()
            countExploration(paths, log: &log)
        }
        if !paths.isEmpty, case .diverged(let reason) = paths[0].end,
            paths.allSatisfy({ if case .diverged = $0.end { true } else { false } })
        {
            throw TrainingFailure(
                phase: "real sampling",
                problem: "the simulation diverged in every episode (\(reason)); check the model file, its timestep "
                    + "and gains")
        }
        addToBuffer(paths)
        log.record("Time-EnvSampling", clock.lap())
        return paths
    }

    /// Adds the paths' transitions (last step of each dropped) to the ensemble's buffer.
    func addToBuffer(_ paths: [Trajectory]) {
        let data = modelTransitions(from: paths, observationSize: spec.observationSize, actionSize: spec.actionSize)
        ensemble.add(observations: data.observations, actions: data.actions, nextObservations: data.nextObservations)
    }

    /// Refits the ensemble on the whole buffer and logs epochs and losses.
    func fitDynamics(log: inout IterationLog) throws {
        let fit = try ensemble.fit()
        log.record("AvgEpochsPerModel", fit.meanEpochs)
        log.record("StdEpochsPerModel", meanAndStandardDeviation(fit.epochs.map(Double.init)).standardDeviation)
        log.record(
            "ModelValidationLoss",
            fit.validationLosses.reduce(0, +) / Double(max(fit.validationLosses.count, 1)))
        log.record("ModelTransitions", Double(fit.samples))
    }

    /// Logs `AveragePolicyStd` (rllab's key): the mean action standard deviation e^ℓ of θ after this iteration's
    /// policy updates, the exploration noise the next iteration starts from.
    func recordPolicyStd(log: inout IterationLog) {
        let stds = policy.logStd().map { exp($0) }
        log.record("AveragePolicyStd", stds.reduce(0, +) / Double(max(stds.count, 1)))
    }

    /// Baseline, advantages and the policy-sample bundle of one task's paths.
    func policySamples(
        observations: [Double], actions: [Double], rewards: [Double], lengths: [Int],
        means: [Double] = [], logStds: [Double] = [],
        baseline: inout LinearFeatureBaseline
    ) -> PolicySamples {
        let batch = PathBatch(
            observationSize: spec.observationSize, observations: observations, rewards: rewards,
            lengths: lengths)
        let advantages = Advantages.compute(batch, baseline: &baseline, config: config.advantages).advantages
        return PolicySamples(
            observationSize: spec.observationSize, actionSize: spec.actionSize,
            observations: observations, actions: actions, advantages: advantages,
            oldMeans: means, oldLogStds: logStds)
    }

    /// Keeps a batch of real trajectories for the iteration's result.
    func record(_ kind: RealRolloutKind, _ paths: [Trajectory]) {
        collected.append((kind, paths))
    }

    /// Runs one iteration's `body`: starts its log row, finishes it with the counters and the iteration time, and
    /// returns it with the real trajectories the iteration collected.
    func runIteration(_ body: (inout IterationLog) throws -> Void) rethrows -> IterationResult {
        var log = IterationLog()
        var clock = Stopwatch()
        collected = []
        let index = iteration
        drawModelErrors()
        log.record("Iteration", Double(index))
        try body(&log)
        iteration += 1
        log.record("n_timesteps", Double(loggedTimesteps))
        log.record("RealSteps", Double(realSteps))
        log.record("Time-Itr", clock.lap())
        defer { collected = [] }
        return IterationResult(iteration: index, log: log, trajectories: collected)
    }
}
