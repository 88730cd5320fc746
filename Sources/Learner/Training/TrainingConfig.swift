/// The algorithm to train with: the paper's method, its model-based baselines and its model-free comparisons.
public enum Algorithm: String, Codable, CaseIterable, Sendable {
    /// Model-based meta-policy optimization (the paper's method).
    case mbMPO = "mb-mpo"
    /// Model-ensemble TRPO: one policy, plain TRPO on imagined data of random members (docs/algorithm.md §6).
    case meTRPO = "me-trpo"
    /// Model-based MPC by random shooting through the ensemble (docs/algorithm.md §6).
    case mbMPC = "mb-mpc"
    /// Model-free TRPO on real data only, as the paper's comparison ran it (docs/algorithm.md §6).
    case trpo
    /// Model-free PPO (OpenAI baselines' ppo2) on real data only, as the paper's comparison ran it.
    case ppo
}

/// Where imagined paths start.
public enum ImaginedStart: String, Codable, CaseIterable, Sendable {
    /// A fresh reset of the real environment (the paper's).
    case reset
    /// A real observation drawn uniformly from the dynamics model's transition buffer, as the MB-MPO authors' and
    /// MBBL's horizon-1000 runs started theirs.
    case real
}

/// How much real and imagined data an iteration collects.
public struct SamplingConfig: Codable, Equatable, Sendable {
    /// Steps per episode, real and imagined (environment steps; 200 in the paper).
    public var horizon: Int = 200
    /// Real rollouts per task and iteration (episodes; 1); real environments = tasks × this.
    public var realRolloutsPerTask: Int = 1
    /// Imagined rollouts per task and sampling phase (episodes; 50, so 1 000 parallel rows for 20 tasks).
    public var imaginedRolloutsPerTask: Int = 50
    /// Imagined steps each sampling phase must complete (model steps; 0: rows × horizon, 200 000 in the paper).
    public var imaginedSteps: Int = 0
    /// Random-action steps of the first iteration, counted in completed paths of the real environments
    /// (environment steps; 5 000 requested, the stopping rule collects 8 000 on tasks without early termination).
    public var initialRandomSteps: Int = 5_000
    /// Predicted observations are clipped to ±this in imagined rollouts (observation units; null: no clip).
    public var clipObservations: Double? = 1_000
    /// Whether to run the pre-/post-update evaluation rollouts in the real environment (logged only).
    public var evaluate: Bool = true
    /// Longest imagined path (model steps; null: `horizon`, as in the paper).
    public var imaginedHorizon: Int? = nil
    /// Where imagined paths start: `reset` (a fresh reset of the real environment, the paper's) or `real` (a real
    /// observation drawn uniformly from the model's transition buffer).
    public var imaginedStart: ImaginedStart = .reset

    /// The paper's settings.
    public init() {}

    /// Decodes every key; `imaginedHorizon` and `imaginedStart` may be missing (configurations written before they
    /// existed read as the paper's: null and `reset`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        horizon = try c.decode(Int.self, forKey: .horizon)
        realRolloutsPerTask = try c.decode(Int.self, forKey: .realRolloutsPerTask)
        imaginedRolloutsPerTask = try c.decode(Int.self, forKey: .imaginedRolloutsPerTask)
        imaginedSteps = try c.decode(Int.self, forKey: .imaginedSteps)
        initialRandomSteps = try c.decode(Int.self, forKey: .initialRandomSteps)
        clipObservations = try c.decodeIfPresent(Double.self, forKey: .clipObservations)
        evaluate = try c.decode(Bool.self, forKey: .evaluate)
        imaginedHorizon = try c.decodeIfPresent(Int.self, forKey: .imaginedHorizon)
        imaginedStart = try c.decodeIfPresent(ImaginedStart.self, forKey: .imaginedStart) ?? .reset
    }

    /// The longest imagined path: ``imaginedHorizon``, or ``horizon`` when that is null.
    public var imaginedPathLength: Int { imaginedHorizon ?? horizon }
}

/// The meta-learning step (MB-MPO) and the policy steps of ME-TRPO.
public struct MetaConfig: Codable, Equatable, Sendable {
    /// Tasks in the meta-batch M (count; 20); task i uses ensemble member ⌊i·K/M⌋.
    public var metaBatchSize: Int = 20
    /// Inner-step size α of the adaptation step θ' = θ − α∇L for every parameter (0.001).
    public var innerStepSize: Double = 0.001
    /// Meta-steps (TRPO steps on the meta-objective) per iteration (count; 30).
    public var stepsPerIteration: Int = 30
    /// The TRPO step: KL bound 0.01, 10 CG iterations, damping 1e-5, 15 backtracks × 0.8.
    public var trpo: TRPOConfig = TRPOConfig()
    /// MB-MPO's tailored exploration: real rollout i acts with task i's adapted parameters θ'_i from the last
    /// meta-step (true, the paper's) or every real rollout with the meta-policy θ itself (false).
    public var tailoredExploration: Bool = true

    /// The paper's settings.
    public init() {}

    /// Decodes every key; `tailoredExploration` may be missing (configurations written before it read as true).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metaBatchSize = try c.decode(Int.self, forKey: .metaBatchSize)
        innerStepSize = try c.decode(Double.self, forKey: .innerStepSize)
        stepsPerIteration = try c.decode(Int.self, forKey: .stepsPerIteration)
        trpo = try c.decode(TRPOConfig.self, forKey: .trpo)
        tailoredExploration = try c.decodeIfPresent(Bool.self, forKey: .tailoredExploration) ?? true
    }
}

/// Random-shooting MPC (MB-MPC).
public struct MPCConfig: Codable, Equatable, Sendable {
    /// Random action sequences scored per real step (count; 1 000).
    public var candidates: Int = 1_000
    /// Planning horizon of each action sequence (model steps; 10).
    public var planningHorizon: Int = 10
    /// Discount factor of the planned rewards (per step; 0.99).
    public var discount: Double = 0.99

    /// The settings of the MB-MPO repository's MB-MPC baseline.
    public init() {}
}

/// Everything a training run needs besides the environment.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// The task's command-line name: the paper's `half-cheetah`, `ant`, `walker2d`, `hopper`, `swimmer`, `pr2`, or
    /// Gymnasium's `HalfCheetah-v5`, `Hopper-v5`, `Walker2d-v5`, `Ant-v5`, `Swimmer-v5`, `Reacher-v5`.
    public var environment: String = "half-cheetah"
    /// The training algorithm: `mb-mpo` (the paper's method), the model-based baselines `me-trpo`, `mb-mpc`, or the
    /// model-free `trpo`, `ppo`.
    public var algorithm: Algorithm = .mbMPO
    /// Outer iterations: real-data collection, model fit, policy steps (100 in the paper).
    public var iterations: Int = 100
    /// Real-step budget: the run stops after the first iteration that brings `n_timesteps` to at least this (real
    /// environment steps; null: no budget, `iterations` alone decides).
    public var totalSteps: Int? = nil
    /// Seed of every random stream of the run (0 … 2⁶⁴ − 1).
    public var seed: UInt64 = 0
    /// Worker threads (ensemble, meta-step, samplers; 1 … 256); results do not depend on it.
    public var threads: Int = 2
    /// Physics timestep of the task's MuJoCo model (seconds; null: the model file's, 0.002 for hopper and walker2d as
    /// in the CoRL submission's code; the `paper` preset sets 0.004 for those two, the original repository's final
    /// timing, and the `submission` preset leaves it null).
    public var physicsTimestep: Double? = nil
    /// Physics steps per environment step, so dt = timestep × this (count; null: the task's, 4 for hopper and
    /// walker2d as in the CoRL submission's code; the `paper` preset sets 5 for those two, the `submission` preset
    /// leaves it null).
    public var frameSkip: Int? = nil
    /// Real and imagined data per iteration.
    public var sampling = SamplingConfig()
    /// The dynamics-model ensemble and its fitting.
    public var dynamics = DynamicsConfig()
    /// The Gaussian MLP policy's architecture.
    public var policy = PolicyConfig()
    /// The meta-step (MB-MPO) or policy step (ME-TRPO).
    public var meta = MetaConfig()
    /// Advantage estimation.
    public var advantages = AdvantageConfig()
    /// Random-shooting MPC (MB-MPC only).
    public var mpc = MPCConfig()
    /// Model-free PPO (PPO only).
    public var ppo = PPOConfig()

    /// The paper's MB-MPO settings on half-cheetah.
    public init() {}

    /// Decodes every key; `ppo` may be missing (configurations written before PPO existed read as ppo2's settings).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        environment = try c.decode(String.self, forKey: .environment)
        algorithm = try c.decode(Algorithm.self, forKey: .algorithm)
        iterations = try c.decode(Int.self, forKey: .iterations)
        totalSteps = try c.decodeIfPresent(Int.self, forKey: .totalSteps)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        physicsTimestep = try c.decodeIfPresent(Double.self, forKey: .physicsTimestep)
        frameSkip = try c.decodeIfPresent(Int.self, forKey: .frameSkip)
        sampling = try c.decode(SamplingConfig.self, forKey: .sampling)
        dynamics = try c.decode(DynamicsConfig.self, forKey: .dynamics)
        policy = try c.decode(PolicyConfig.self, forKey: .policy)
        meta = try c.decode(MetaConfig.self, forKey: .meta)
        advantages = try c.decode(AdvantageConfig.self, forKey: .advantages)
        mpc = try c.decode(MPCConfig.self, forKey: .mpc)
        ppo = try c.decodeIfPresent(PPOConfig.self, forKey: .ppo) ?? PPOConfig()
    }

    /// The paper's settings (docs/algorithm.md §7) for `algorithm`, hopper and walker2d with the original
    /// repository's final timing (``finalTimings``).
    public static func paper(_ algorithm: Algorithm, environment: String) -> TrainingConfig {
        var config = submission(algorithm, environment: environment)
        if let timing = finalTimings[environment] {
            (config.physicsTimestep, config.frameSkip) = (timing.timestep, timing.frameSkip)
        }
        return config
    }

    /// The paper's settings as the code submitted with the paper ran them: ``paper(_:environment:)`` with every task
    /// at its model file's timestep and its own frame skip (hopper and walker2d: 0.002 s × 4 = 0.008 s per step).
    /// For a Gymnasium task, the paper's settings adapted to its episode length (``applyGymnasiumSettings()``).
    public static func submission(_ algorithm: Algorithm, environment: String) -> TrainingConfig {
        var config = TrainingConfig()
        config.environment = environment
        config.algorithm = algorithm
        algorithm.trainerType.applyPaperSettings(to: &config)
        config.applyGymnasiumSettings()
        return config
    }

    /// Gymnasium's MuJoCo v5 tasks: their episode lengths (the time limit `gymnasium.make` wraps them in, steps) and
    /// the longest imagined path on each (steps; see ``applyGymnasiumSettings()``).
    public static let gymnasiumTasks: [String: (horizon: Int, imaginedHorizon: Int)] = [
        "HalfCheetah-v5": (1_000, 40), "Hopper-v5": (1_000, 200), "Walker2d-v5": (1_000, 200),
        "Ant-v5": (1_000, 80), "Swimmer-v5": (1_000, 50), "Reacher-v5": (50, 50),
    ]

    /// Real steps the model-based algorithms collect per iteration on a 1 000-step Gymnasium task (5 episodes).
    public static let longHorizonRealSteps = 5_000
    /// Imagined steps per sampling phase on a long-horizon Gymnasium task (the paper's 200 000).
    public static let longHorizonImaginedSteps = 200_000

    /// The paper's settings adapted to a Gymnasium task's episode length (nothing for the paper's own tasks), so
    /// that the run is the benchmark's: real episodes of the task's length (1 000 steps; Reacher-v5 50), and a budget
    /// of 200 000 real steps for the model-based algorithms and 10⁶ for the model-free ones (the points at which
    /// published results compare). On a 1 000-step task (BENCHMARKS.md, "Gymnasium v5 tasks: settings"):
    /// - MB-MPO: 5 tasks, one per model, one real episode each, so 5 000 real steps an iteration (40 iterations to
    ///   200 000, against 10 at the paper's 20 tasks). Imagined paths start from real states of the buffer, as the
    ///   MB-MPO authors' and MBBL's horizon-1000 runs did, and cover the simulated time of the paper's 200-step paths
    ///   on the same robot in the code submitted with the paper (HalfCheetah 2 s: 40 steps of 0.05 s; Ant 4 s: 80;
    ///   Swimmer 2 s: 50; Hopper and Walker2d 1.6 s: 200 of 0.008 s), not more: longer paths let the policy exploit
    ///   the model's errors (MBPO's are 1–25 steps long). Enough rows that a phase imagines the paper's 200 000 steps.
    /// - ME-TRPO and MB-MPC: 5 real episodes an iteration; ME-TRPO's 100 imagined rows start at real states too, with
    ///   the same path lengths.
    /// - TRPO: 50 episodes (rllab's 50 000 steps a batch). PPO: ppo2's MuJoCo settings, its 2 048 steps an update
    ///   rounded down to whole episodes (2 000: 2 episodes of 1 000), 32 minibatches.
    public mutating func applyGymnasiumSettings() {
        guard let task = Self.gymnasiumTasks[environment] else { return }
        sampling.horizon = task.horizon
        iterations = 1_000_000
        switch algorithm {
        case .trpo:
            sampling.realRolloutsPerTask = max(1, 50_000 / task.horizon)
            totalSteps = 1_000_000
        case .ppo:
            sampling.realRolloutsPerTask = max(1, 2_048 / task.horizon)
            ppo.minibatches = 32
            totalSteps = 1_000_000
        case .mbMPO, .meTRPO, .mbMPC:
            totalSteps = 200_000
            guard task.horizon > task.imaginedHorizon else { return }
            meta.metaBatchSize = algorithm == .mbMPO ? dynamics.members : Self.longHorizonRealSteps / task.horizon
            sampling.realRolloutsPerTask = 1
            guard algorithm != .mbMPC else { return }
            sampling.imaginedHorizon = task.imaginedHorizon
            sampling.imaginedStart = .real
            sampling.imaginedRolloutsPerTask =
                algorithm == .mbMPO
                ? Self.longHorizonImaginedSteps / task.imaginedHorizon / meta.metaBatchSize : 100 / meta.metaBatchSize
        }
    }

    /// The timing the original repository's final code gives hopper and walker2d (0.004 s × 5 = 0.02 s per step,
    /// against 0.002 s × 4 in the code submitted with the paper). The published hopper reference runs (≈ 650 at
    /// 100 000 steps) used it; at 0.008 s the same training reaches ≈ 300 (BENCHMARKS.md), so the `paper` preset
    /// uses it.
    public static let finalTimings: [String: (timestep: Double, frameSkip: Int)] = [
        "hopper": (0.004, 5), "walker2d": (0.004, 5),
    ]

    /// "timestep 0.004 s, frame skip 5" for the timing overrides that are set; nil when neither is.
    public static func timingDescription(timestep: Double?, frameSkip: Int?) -> String? {
        let parts = [timestep.map { "timestep \($0) s" }, frameSkip.map { "frame skip \($0)" }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// How a run's timing differs from the `paper` preset's for `environment`, for legends and headers: nil when it
    /// is the same, "submission timing" for hopper or walker2d at their model files' timing (both settings null),
    /// else ``timingDescription(timestep:frameSkip:)``.
    public static func timingDifference(environment: String, timestep: Double?, frameSkip: Int?) -> String? {
        let preset = finalTimings[environment]
        if timestep == preset?.timestep && frameSkip == preset?.frameSkip { return nil }
        if preset != nil && timestep == nil && frameSkip == nil { return "submission timing" }
        return timingDescription(timestep: timestep, frameSkip: frameSkip)
    }

    /// Whether a run that has logged `loggedTimesteps` real steps after `completed` iterations is done.
    public func isFinished(completed: Int, loggedTimesteps: Int) -> Bool {
        completed >= iterations || totalSteps.map { loggedTimesteps >= $0 } ?? false
    }

    /// The iterations a run will take: `iterations`, or fewer when the real-step budget ends it first (exact for the
    /// model-based algorithms, whose iterations log fixed step counts; an estimate for the model-free ones, which log
    /// the steps of completed episodes, at least ``realStepsPerIteration``).
    public var plannedIterations: Int {
        guard let budget = totalSteps else { return iterations }
        let first = algorithm.trainerType.learnsDynamics ? sampling.initialRandomSteps : realStepsPerIteration
        let rest = (max(0, budget - first) + realStepsPerIteration - 1) / realStepsPerIteration
        return min(iterations, 1 + rest)
    }

    /// Real environments stepped together: tasks × rollouts per task (20).
    public var realEnvironments: Int { meta.metaBatchSize * sampling.realRolloutsPerTask }
    /// Imagined rows stepped together: tasks × rollouts per task (1 000).
    public var imaginedRows: Int { meta.metaBatchSize * sampling.imaginedRolloutsPerTask }
    /// Real steps per iteration after the first (4 000).
    public var realStepsPerIteration: Int { realEnvironments * sampling.horizon }
    /// Imagined steps per sampling phase (200 000).
    public var imaginedStepsPerPhase: Int {
        sampling.imaginedSteps > 0 ? sampling.imaginedSteps : imaginedRows * sampling.imaginedPathLength
    }
}

/// A configuration value outside its valid range.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Dotted key path, e.g. `meta.metaBatchSize`.
    public let key: String
    /// What is wrong, e.g. `must be at least 1, got 0`.
    public let reason: String

    /// An error for the setting at `key`.
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    /// `configuration 'key': reason`.
    public var description: String { "configuration '\(key)': \(reason)" }
}

extension TrainingConfig {
    /// Checks every range and cross-field rule; throws the first violation with its key path.
    ///
    /// Every count has an upper bound as well as a lower one, far above any published setting, so that a typing
    /// slip (an extra few zeros, 2⁶³ − 1) is refused here instead of overflowing, allocating without end or running
    /// for years; every real number must be finite. The memory a configuration needs is checked separately, once
    /// the task's shapes are known (``estimatedMemory(observationSize:actionSize:)``).
    public func validate() throws {
        let check = RangeCheck()
        try check.count(iterations, "iterations", 1...1_000_000)
        try check.count(threads, "threads", 1...256)
        if let budget = totalSteps {
            try check.require(
                budget >= 1 && budget <= 1_000_000_000_000, "totalSteps", "must lie in 1…1000000000000 or be null")
        }
        if let timestep = physicsTimestep {
            try check.require(
                timestep >= 1e-5 && timestep <= 0.1, "physicsTimestep",
                "must lie in [0.00001, 0.1] seconds or be null")
        }
        if let skip = frameSkip {
            try check.require(skip >= 1 && skip <= 1_000, "frameSkip", "must lie in 1…1000 or be null")
        }
        try check.count(sampling.horizon, "sampling.horizon", 2...100_000)
        if let imagined = sampling.imaginedHorizon {
            try check.count(imagined, "sampling.imaginedHorizon", 1...100_000)
        }
        try check.count(sampling.realRolloutsPerTask, "sampling.realRolloutsPerTask", 1...10_000)
        try check.count(sampling.imaginedRolloutsPerTask, "sampling.imaginedRolloutsPerTask", 1...100_000)
        try check.count(sampling.imaginedSteps, "sampling.imaginedSteps", 0...1_000_000_000)
        try check.count(sampling.initialRandomSteps, "sampling.initialRandomSteps", 1...100_000_000)
        if let clip = sampling.clipObservations {
            try check.require(
                clip > 0 && clip <= 1e30, "sampling.clipObservations", "must lie in (0, 1e30] or be null")
        }
        try check.count(meta.metaBatchSize, "meta.metaBatchSize", 1...10_000)
        try check.real(meta.innerStepSize, "meta.innerStepSize", 0...100)
        try check.count(meta.stepsPerIteration, "meta.stepsPerIteration", 0...100_000)
        try check.positive(meta.trpo.maxKL, "meta.trpo.maxKL", atMost: 100)
        try check.count(meta.trpo.cgIterations, "meta.trpo.cgIterations", 1...10_000)
        try check.real(meta.trpo.cgResidualTolerance, "meta.trpo.cgResidualTolerance", 0...1e10)
        try check.real(meta.trpo.damping, "meta.trpo.damping", 0...1e10)
        try check.count(meta.trpo.maxBacktracks, "meta.trpo.maxBacktracks", 1...1_000)
        try check.fraction(meta.trpo.backtrackRatio, "meta.trpo.backtrackRatio")
        try check.count(dynamics.members, "dynamics.members", 1...1_000)
        try check.widths(dynamics.hiddenSizes, "dynamics.hiddenSizes")
        try check.positive(dynamics.learningRate, "dynamics.learningRate", atMost: 1)
        try check.count(dynamics.batchSize, "dynamics.batchSize", 1...10_000_000)
        try check.count(dynamics.maxEpochs, "dynamics.maxEpochs", 1...1_000_000)
        try check.fraction(dynamics.validationFraction, "dynamics.validationFraction")
        try check.fraction(dynamics.rollingAveragePersistence, "dynamics.rollingAveragePersistence")
        let imperfection = dynamics.imperfection
        try check.real(imperfection.biasLow, "dynamics.imperfection.biasLow", -1e6...1e6)
        try check.real(imperfection.biasHigh, "dynamics.imperfection.biasHigh", -1e6...1e6)
        try check.require(
            imperfection.biasHigh >= imperfection.biasLow, "dynamics.imperfection.biasHigh",
            "must be at least dynamics.imperfection.biasLow (\(imperfection.biasLow)), got \(imperfection.biasHigh)")
        try check.real(imperfection.noiseStd, "dynamics.imperfection.noiseStd", 0...1e6)
        if imperfection.isActive && !algorithm.trainerType.learnsDynamics {
            let key =
                imperfection.biasLow != 0 ? "biasLow" : imperfection.biasHigh != 0 ? "biasHigh" : "noiseStd"
            throw ConfigurationError(
                key: "dynamics.imperfection.\(key)",
                reason:
                    "applies to the model-based algorithms only (mb-mpo, me-trpo, mb-mpc), not to \(algorithm.rawValue)"
            )
        }
        // a fit needs one training and one validation transition (the model-free placeholder ensemble never fits)
        let fewestTransitions = algorithm.trainerType.learnsDynamics ? 2 : 1
        try check.count(dynamics.bufferCapacity, "dynamics.bufferCapacity", fewestTransitions...1_000_000_000)
        try check.require(
            dynamics.matrixPrecision.isSupported, "dynamics.matrixPrecision",
            "bfloat16 needs a CPU with AVX512-BF16 (e.g. AMD Zen 4 or later, Intel Cooper Lake or "
                + "Sapphire Rapids); this one has none, use float32")
        try check.widths(policy.hiddenSizes, "policy.hiddenSizes")
        // the inner step's gradient scales with σ⁻² and overflows to infinity below σ ≈ e^-43; -20 leaves a margin
        try check.real(policy.minLogStd, "policy.minLogStd", -20...5)
        // e^5 ≈ 148 action units of noise: far beyond the [-1, 1] action box, and still finite in float32 sums
        try check.require(
            policy.initialLogStd.isFinite && policy.initialLogStd >= policy.minLogStd && policy.initialLogStd <= 5,
            "policy.initialLogStd", "must lie in [policy.minLogStd (\(policy.minLogStd)), 5]")
        try check.require(
            advantages.discount > 0 && advantages.discount <= 1, "advantages.discount", "must lie in (0, 1]")
        try check.real(advantages.gaeLambda, "advantages.gaeLambda", 0...1)
        try check.count(mpc.candidates, "mpc.candidates", 1...1_000_000)
        try check.count(mpc.planningHorizon, "mpc.planningHorizon", 1...10_000)
        try check.require(mpc.discount > 0 && mpc.discount <= 1, "mpc.discount", "must lie in (0, 1]")
        if algorithm == .ppo {
            try check.count(ppo.minibatches, "ppo.minibatches", 1...realStepsPerIteration)
            try check.count(ppo.epochs, "ppo.epochs", 1...1_000)
            try check.positive(ppo.learningRate, "ppo.learningRate", atMost: 1)
            try check.positive(ppo.adamEpsilon, "ppo.adamEpsilon", atMost: 1)
            try check.positive(ppo.clipRange, "ppo.clipRange", atMost: 10)
            try check.real(ppo.valueCoefficient, "ppo.valueCoefficient", 0...1e6)
            try check.real(ppo.entropyCoefficient, "ppo.entropyCoefficient", 0...1e6)
            try check.positive(ppo.maxGradientNorm, "ppo.maxGradientNorm", atMost: 1e10)
            try check.widths(ppo.valueHiddenSizes, "ppo.valueHiddenSizes")
            try check.positive(ppo.observationClip, "ppo.observationClip", atMost: 1e10)
            try check.positive(ppo.rewardClip, "ppo.rewardClip", atMost: 1e10)
        }
        if algorithm == .mbMPO {
            // task i uses member ⌊i·K/M⌋ and imagined rows are cut into K member blocks
            try check.require(
                meta.metaBatchSize % dynamics.members == 0, "meta.metaBatchSize",
                "must be a multiple of dynamics.members (\(dynamics.members)) for MB-MPO")
        }
    }
}

/// The range rules of ``TrainingConfig/validate()``, each throwing ``ConfigurationError`` with the key path.
private struct RangeCheck {
    func require(_ condition: Bool, _ key: String, _ reason: String) throws {
        if !condition { throw ConfigurationError(key: key, reason: reason) }
    }

    /// An integer in `range`: "must lie in 1…100000, got 0".
    func count(_ value: Int, _ key: String, _ range: ClosedRange<Int>) throws {
        try require(range.contains(value), key, "must lie in \(range.lowerBound)…\(range.upperBound), got \(value)")
    }

    /// A finite number in `range`.
    func real(_ value: Double, _ key: String, _ range: ClosedRange<Double>) throws {
        try require(
            range.contains(value), key, "must lie in [\(Self.text(range.lowerBound)), \(Self.text(range.upperBound))]")
    }

    /// A finite number in (0, upper].
    func positive(_ value: Double, _ key: String, atMost upper: Double) throws {
        try require(value > 0 && value <= upper, key, "must lie in (0, \(Self.text(upper))]")
    }

    /// A number strictly between 0 and 1.
    func fraction(_ value: Double, _ key: String) throws {
        try require(value > 0 && value < 1, key, "must lie in (0, 1)")
    }

    /// Layer widths: 1 to 16 layers of 1 to 65 536 units.
    func widths(_ sizes: [Int], _ key: String) throws {
        try require(
            (1...16).contains(sizes.count) && sizes.allSatisfy { (1...65_536).contains($0) }, key,
            "needs 1 to 16 layer widths, each in 1…65536")
    }

    /// `1`, `0.5`, `1e+10`: integral bounds without a trailing `.0`.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : "\(value)"
    }
}

extension TrainingConfig {
    /// A short demonstration run: the paper's method with a smaller model fitted for at most 50 epochs (the fit
    /// is what grows with the data) and a smaller imagined batch, keeping the paper's 30 meta-steps, so that
    /// half-cheetah shows clear learning in minutes on two cores (BENCHMARKS.md, "Quick preset"). The baselines
    /// keep their earlier demonstration settings.
    public static func quick(_ algorithm: Algorithm, environment: String) -> TrainingConfig {
        var config = TrainingConfig.paper(algorithm, environment: environment)
        config.iterations = 10
        guard algorithm.trainerType.learnsDynamics else { return config }  // model-free: 10 paper iterations
        config.dynamics.hiddenSizes = [256, 256]
        config.mpc.candidates = 200
        if algorithm == .mbMPO {
            config.sampling.imaginedRolloutsPerTask = 20
            config.dynamics.maxEpochs = 50
            return config
        }
        config.sampling.imaginedRolloutsPerTask = algorithm == .meTRPO ? 5 : 10
        config.sampling.imaginedSteps = algorithm == .meTRPO ? 20_000 : 0
        config.meta.stepsPerIteration = 10
        config.dynamics.maxEpochs = algorithm == .mbMPC ? 50 : 100
        return config
    }
}

extension TrainingConfig {
    /// The original code's bad-models experiment (docs/algorithm.md §7.2): half the paper's horizon (100), 40
    /// iterations, a 2×512 model without weight normalization fitted for up to 1 000 epochs, and for MB-MPO an inner
    /// step of 0.01, 2 real and 30 imagined rollouts per task; for ME-TRPO 4 000 real and 100 000 imagined steps per
    /// iteration and 30 TRPO steps. The deliberate errors themselves are ``DynamicsConfig/imperfection``. Only
    /// MB-MPO and ME-TRPO ran it; nil for the other algorithms.
    public static func badModels(_ algorithm: Algorithm, environment: String) -> TrainingConfig? {
        guard algorithm == .mbMPO || algorithm == .meTRPO else { return nil }
        var config = TrainingConfig.paper(algorithm, environment: environment)
        config.iterations = 40
        config.sampling.horizon = 100
        config.sampling.realRolloutsPerTask = 2  // 20 tasks (environments) × 2 × 100 = 4 000 real steps
        config.dynamics.hiddenSizes = [512, 512]
        config.dynamics.weightNormalization = false
        config.dynamics.maxEpochs = 1_000
        if algorithm == .mbMPO {
            config.meta.innerStepSize = 0.01
            config.sampling.imaginedRolloutsPerTask = 30
        } else {
            config.sampling.imaginedSteps = 100_000
            config.meta.stepsPerIteration = 30
        }
        return config
    }

    /// The original code's hyperparameter studies of MB-MPO (docs/algorithm.md §7.2): the paper's settings with 50
    /// iterations, 10 tasks, 2 real rollouts per task (4 000 steps) and 4 000 random steps first; the studies vary
    /// `meta.innerStepSize`, `meta.stepsPerIteration` or the ensemble size (with `meta.metaBatchSize` equal to it) on
    /// top. Nil for the other algorithms.
    public static func hyperparameterStudy(_ algorithm: Algorithm, environment: String) -> TrainingConfig? {
        guard algorithm == .mbMPO else { return nil }
        var config = TrainingConfig.paper(algorithm, environment: environment)
        config.iterations = 50
        config.meta.metaBatchSize = 10
        config.sampling.realRolloutsPerTask = 2
        config.sampling.initialRandomSteps = 4_000
        return config
    }
}
