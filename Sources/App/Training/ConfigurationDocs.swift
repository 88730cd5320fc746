/// The `///` text of every configuration field, keyed by dotted key path: what `mbmpo config reference` prints.
/// `ConfigurationReferenceTests` keeps it equal to the Swift declarations; `MBMPO_RECORD=1 swift test --filter
/// ConfigurationReferenceTests` rewrites this file from them.
enum ConfigurationDocs {
    /// Key path → documentation.
    static let lines: [String: String] = [
        "environment":
            "The task's command-line name: the paper's `half-cheetah`, `ant`, `walker2d`, `hopper`, `swimmer`, `pr2`, or Gymnasium's `HalfCheetah-v5`, `Hopper-v5`, `Walker2d-v5`, `Ant-v5`, `Swimmer-v5`, `Reacher-v5`.",
        "algorithm":
            "The training algorithm: `mb-mpo` (the paper's method), the model-based baselines `me-trpo`, `mb-mpc`, or the model-free `trpo`, `ppo`.",
        "iterations":
            "Outer iterations: real-data collection, model fit, policy steps (100 in the paper).",
        "totalSteps":
            "Real-step budget: the run stops after the first iteration that brings `n_timesteps` to at least this (real environment steps; null: no budget, `iterations` alone decides).",
        "seed":
            "Seed of every random stream of the run (0 … 2⁶⁴ − 1).",
        "threads":
            "Worker threads (ensemble, meta-step, samplers; 1 … 256); results do not depend on it.",
        "physicsTimestep":
            "Physics timestep of the task's MuJoCo model (seconds; null: the model file's, 0.002 for hopper and walker2d as in the CoRL submission's code; the `paper` preset sets 0.004 for those two, the original repository's final timing, and the `submission` preset leaves it null).",
        "frameSkip":
            "Physics steps per environment step, so dt = timestep × this (count; null: the task's, 4 for hopper and walker2d as in the CoRL submission's code; the `paper` preset sets 5 for those two, the `submission` preset leaves it null).",
        "sampling.horizon":
            "Steps per episode, real and imagined (environment steps; 200 in the paper).",
        "sampling.realRolloutsPerTask":
            "Real rollouts per task and iteration (episodes; 1); real environments = tasks × this.",
        "sampling.imaginedRolloutsPerTask":
            "Imagined rollouts per task and sampling phase (episodes; 50, so 1 000 parallel rows for 20 tasks).",
        "sampling.imaginedSteps":
            "Imagined steps each sampling phase must complete (model steps; 0: rows × horizon, 200 000 in the paper).",
        "sampling.initialRandomSteps":
            "Random-action steps of the first iteration, counted in completed paths of the real environments (environment steps; 5 000 requested, the stopping rule collects 8 000 on tasks without early termination).",
        "sampling.clipObservations":
            "Predicted observations are clipped to ±this in imagined rollouts (observation units; null: no clip).",
        "sampling.evaluate":
            "Whether to run the pre-/post-update evaluation rollouts in the real environment (logged only).",
        "sampling.imaginedHorizon":
            "Longest imagined path (model steps; null: `horizon`, as in the paper).",
        "sampling.imaginedStart":
            "Where imagined paths start: `reset` (a fresh reset of the real environment, the paper's) or `real` (a real observation drawn uniformly from the model's transition buffer).",
        "dynamics.members":
            "Number of independently initialized and trained networks K (count; 5).",
        "dynamics.hiddenSizes":
            "Widths of the hidden ReLU layers of every member, input side first (units; (512, 512)).",
        "dynamics.learningRate":
            "Adam step size of every member (0.001).",
        "dynamics.batchSize":
            "Transitions per training mini-batch (500; the last batch of an epoch may be smaller).",
        "dynamics.maxEpochs":
            "Most epochs per fit (passes over the training split; 500); a member still training then stops.",
        "dynamics.validationFraction":
            "Fraction of the buffer each member holds out for validation (0.2; its own random split at every fit).",
        "dynamics.rollingAveragePersistence":
            "Persistence ρ of the rolling validation average R ← ρR + (1 − ρ)v used for early stopping (0.99).",
        "dynamics.bufferCapacity":
            "Transitions kept in the FIFO buffer (300 000, as in the code submitted with the paper; the original repository's final code keeps 100 000); the oldest are dropped beyond this. A 101 000-step run holds 99 500 before its last iteration and 103 480 after it, so the two differ only in the last fit; the larger keeps all.",
        "dynamics.weightNormalization":
            "Whether every layer uses weight normalization W = V·diag(g/‖V[:, j]‖₂) with g initialized to 1.",
        "dynamics.matrixPrecision":
            "Arithmetic of the members' matrix products, in training and in imagined rollouts: `float32` (the original's) or `bfloat16` (bfloat16 operands, float32 sums, ≈ 2× the product throughput on AVX512-BF16 CPUs; see ``MatrixPrecision``). Configurations written before this key existed read as `float32`. Called `productPrecision` until 2026-12 (files and `--set` may still use that name).",
        "dynamics.imperfection.biasLow":
            "Lower end of the range the per-member offsets are drawn from (observation units; 0).",
        "dynamics.imperfection.biasHigh":
            "Upper end of that range (observation units; 0; the original's experiment used 0.1, 0.5 and 1 with a lower end of 0).",
        "dynamics.imperfection.noiseStd":
            "Standard deviation of the Gaussian noise added to every predicted entry (observation units; 0; the original's experiment used 0 and 0.1).",
        "dynamics.imperfection.resampleBias":
            "Whether the offsets are drawn anew at every iteration (true, as the robustness experiment runs it) or once for the whole run (false).",
        "policy.hiddenSizes":
            "Widths of the tanh hidden layers of the mean network, input side first (units; (32, 32) in the paper).",
        "policy.initialLogStd":
            "Initial value of every entry of the state-independent log-std vector (natural log; log 1 = 0 in the paper).",
        "policy.minLogStd":
            "Lower clamp of the log-std: log σ = max(parameter, minLogStd) (natural log; log 1e-6 in the paper).",
        "meta.metaBatchSize":
            "Tasks in the meta-batch M (count; 20); task i uses ensemble member ⌊i·K/M⌋.",
        "meta.innerStepSize":
            "Inner-step size α of the adaptation step θ' = θ − α∇L for every parameter (0.001).",
        "meta.stepsPerIteration":
            "Meta-steps (TRPO steps on the meta-objective) per iteration (count; 30).",
        "meta.trpo.maxKL":
            "δ: bound on the mean KL(old ‖ new) per step (nats; 0.01).",
        "meta.trpo.cgIterations":
            "Most conjugate-gradient iterations per step (10).",
        "meta.trpo.cgResidualTolerance":
            "Conjugate gradient stops once the squared residual rᵀr falls below this (1e-10).",
        "meta.trpo.damping":
            "Damping λ added to the KL Hessian: (H + λI) x = g (1e-5).",
        "meta.trpo.backtrackRatio":
            "Step shrink factor per backtrack of the line search (0.8).",
        "meta.trpo.maxBacktracks":
            "Most candidate steps the line search tries (15).",
        "meta.trpo.curvaturePrecision":
            "Arithmetic of the exact Hessian-vector products (CG's KL-Hessian and the meta-gradient's Jᵀ): `float32` (as the original; ≈ 2× faster) or `float64`. Called `productPrecision` until 2026-12 (files and `--set` may still use that name).",
        "meta.tailoredExploration":
            "MB-MPO's tailored exploration: real rollout i acts with task i's adapted parameters θ'_i from the last meta-step (true, the paper's) or every real rollout with the meta-policy θ itself (false).",
        "advantages.discount":
            "Discount factor γ of returns and GAE (per step; 0.99).",
        "advantages.gaeLambda":
            "GAE λ (1 ⇒ Â = G − V, the paper's setting).",
        "advantages.standardize":
            "Whether advantages are standardized per task: (Â − mean)/(population std + 1e-8).",
        "advantages.baselineOrder":
            "When the linear baseline is fitted: `fitThenPredict` (MB-MPO) or `predictThenFit` (ME-TRPO).",
        "mpc.candidates":
            "Random action sequences scored per real step (count; 1 000).",
        "mpc.planningHorizon":
            "Planning horizon of each action sequence (model steps; 10).",
        "mpc.discount":
            "Discount factor of the planned rewards (per step; 0.99).",
        "ppo.minibatches":
            "Minibatches each pass over an update's batch is cut into, after a shuffle (count; 25).",
        "ppo.epochs":
            "Passes over the batch per update (count; 10).",
        "ppo.learningRate":
            "Adam's step size (3e-4, constant).",
        "ppo.adamEpsilon":
            "Adam's ε added to √v (1e-5, as ppo2).",
        "ppo.clipRange":
            "ε of the clipped ratio, and of the clipped value change (0.2).",
        "ppo.valueCoefficient":
            "Weight of the value loss in the total loss (0.5).",
        "ppo.entropyCoefficient":
            "Weight of the entropy bonus (0).",
        "ppo.maxGradientNorm":
            "The whole gradient (policy and value) is scaled down to at most this Euclidean norm (0.5).",
        "ppo.valueHiddenSizes":
            "Widths of the tanh hidden layers of the value network, a network of its own (units; (64, 64)).",
        "ppo.normalizeObservations":
            "Whether the networks see observations standardized by running statistics, as VecNormalize does (true).",
        "ppo.observationClip":
            "Standardized observations are clipped to ±this (10).",
        "ppo.normalizeReturns":
            "Whether rewards are divided by the running standard deviation of the discounted return, as VecNormalize does (true).",
        "ppo.rewardClip":
            "Normalized rewards are clipped to ±this (10).",
    ]
}
