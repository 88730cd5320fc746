import Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The settings of model-free PPO (OpenAI baselines' ppo2 as the paper's comparison ran it; docs/algorithm.md §6).
public struct PPOConfig: Codable, Equatable, Sendable {
    /// Minibatches each pass over an update's batch is cut into, after a shuffle (count; 25).
    public var minibatches: Int = 25
    /// Passes over the batch per update (count; 10).
    public var epochs: Int = 10
    /// Adam's step size (3e-4, constant).
    public var learningRate: Double = 3e-4
    /// Adam's ε added to √v (1e-5, as ppo2).
    public var adamEpsilon: Double = 1e-5
    /// ε of the clipped ratio, and of the clipped value change (0.2).
    public var clipRange: Double = 0.2
    /// Weight of the value loss in the total loss (0.5).
    public var valueCoefficient: Double = 0.5
    /// Weight of the entropy bonus (0).
    public var entropyCoefficient: Double = 0
    /// The whole gradient (policy and value) is scaled down to at most this Euclidean norm (0.5).
    public var maxGradientNorm: Double = 0.5
    /// Widths of the tanh hidden layers of the value network, a network of its own (units; (64, 64)).
    public var valueHiddenSizes: [Int] = [64, 64]
    /// Whether the networks see observations standardized by running statistics, as VecNormalize does (true).
    public var normalizeObservations: Bool = true
    /// Standardized observations are clipped to ±this (10).
    public var observationClip: Double = 10
    /// Whether rewards are divided by the running standard deviation of the discounted return, as VecNormalize
    /// does (true).
    public var normalizeReturns: Bool = true
    /// Normalized rewards are clipped to ±this (10).
    public var rewardClip: Double = 10

    /// ppo2's settings.
    public init() {}
}

/// Parameters of a tanh network of `layout` initialized as ppo2 does: every weight matrix orthogonal (Gram–Schmidt
/// on Gaussian draws, orthonormal columns when it has at least as many rows as columns, rows otherwise) times √2 for
/// hidden layers and `outputGain` for the output layer, biases 0, the log-std entries `logStd`.
func orthogonalInitialization(
    _ layout: PolicyLayout, outputGain: Double, logStd: Double, using rng: inout SplitMix64
) -> [Double] {
    var theta = [Double](repeating: 0, count: layout.parameterCount)
    let layers = layout.widths.count - 1
    for l in 0..<layers {
        let rows = layout.widths[l], columns = layout.widths[l + 1]
        let gain = l == layers - 1 ? outputGain : 2.0.squareRoot()
        // orthonormalize the shorter side's vectors: columns of a tall matrix, rows of a wide one
        let (count, length) = rows >= columns ? (columns, rows) : (rows, columns)
        var vectors = (0..<count).map { _ in (0..<length).map { _ in rng.nextGaussian() } }
        for i in 0..<count {
            for j in 0..<i {
                let dot = zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for k in 0..<length { vectors[i][k] -= dot * vectors[j][k] }
            }
            let norm = vectors[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for k in 0..<length { vectors[i][k] /= norm }
        }
        for r in 0..<rows {
            for c in 0..<columns {
                let value = rows >= columns ? vectors[c][r] : vectors[r][c]
                theta[layout.weightOffsets[l] + r * columns + c] = gain * value
            }
        }
    }
    for j in 0..<layout.actionSize { theta[layout.logStdOffset + j] = logStd }
    return theta
}

/// Running mean and variance of a stream of vectors, merged batch by batch (Chan et al.; baselines' RunningMeanStd:
/// mean 0, variance 1 and a count of 1e-4 before the first batch).
struct RunningMoments: Equatable {
    var mean: [Double], variance: [Double], count: Double

    init(width: Int) {
        mean = [Double](repeating: 0, count: width)
        variance = [Double](repeating: 1, count: width)
        count = 1e-4
    }

    /// Merges the rows of `batch` (rows × width).
    mutating func update(_ batch: [Double]) {
        let width = mean.count, rows = batch.count / max(width, 1)
        guard rows > 0 else { return }
        let n = Double(rows), total = count + n
        for j in 0..<width {
            var sum = 0.0
            for r in 0..<rows { sum += batch[r * width + j] }
            let batchMean = sum / n
            var squares = 0.0
            for r in 0..<rows { squares += (batch[r * width + j] - batchMean) * (batch[r * width + j] - batchMean) }
            let batchVariance = squares / n, delta = batchMean - mean[j]
            let m2 = variance[j] * count + batchVariance * n + delta * delta * count * n / total
            mean[j] += delta * n / total
            variance[j] = m2 / total
        }
        count = total
    }

    /// 1/√(variance + 1e-8) per entry.
    var inverseScale: [Double] { variance.map { 1 / ($0 + 1e-8).squareRoot() } }
}

/// Model-free PPO as the paper's comparison ran it (OpenAI baselines' ppo2; docs/algorithm.md §6): per update
/// 50 000 real steps (250 environments of 200-step episodes; as for TRPO, an environment whose episode ends early is
/// reset and the batch ends once its completed episodes hold 50 000 steps), GAE (γ 0.99, λ 0.95) on a value network,
/// then 10 passes of 25 shuffled minibatches of Adam (3e-4) on the clipped surrogate (ε 0.2) plus 0.5 × the clipped
/// value loss, the gradient clipped to norm 0.5, advantages standardized per minibatch; observations and rewards
/// normalized by running statistics as VecNormalize does. 2 000 updates (10⁸ steps).
///
/// The networks act on standardized observations clipped to ±10; the context's policy holds the same network with
/// the standardization folded into its first layer, for replay, rendering and export on raw observations (equal to
/// the trained policy wherever the clip does not act). Differences from ppo2, all documented in docs/algorithm.md:
/// the statistics are merged once per batch, the discounted return of the reward statistics restarts with every
/// episode (as later baselines versions do), and every batch starts from fresh resets with complete episodes (ppo2
/// carries unfinished episodes into the next update; on tasks without early termination the two coincide).
public final class PPOTrainer: Trainer {
    public let context: TrainingContext
    var config: TrainingConfig { context.config }
    /// The policy on standardized observations (the context's policy is this with the standardization folded in).
    var policyParameters: [Double]
    /// The value network: a tanh network with one output (its log-std entry is unused).
    let valueLayout: PolicyLayout
    var valueParameters: [Double]
    var optimizer: Adam<Double>
    var observationMoments: RunningMoments
    var returnMoments = RunningMoments(width: 1)

    public static let explorationPolicyName = "policy"
    public static let learnsDynamics = false

    /// ppo2's settings: 250 × 200 = 50 000 steps per update, 2 000 updates (10⁸ steps), a 2×64 tanh policy, GAE λ
    /// 0.95 with advantages standardized per minibatch; no model (a one-unit placeholder ensemble).
    public static func applyPaperSettings(to config: inout TrainingConfig) {
        TRPOTrainer.applyPaperSettings(to: &config)
        config.iterations = 2_000
        config.policy.hiddenSizes = [64, 64]
        config.advantages.gaeLambda = 0.95
    }

    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        context = TrainingContext(config: config, real: real, environment: environment)
        let o = context.spec.observationSize
        valueLayout = PolicyLayout(observationSize: o, actionSize: 1, hiddenSizes: config.ppo.valueHiddenSizes)
        // ppo2's initialization: orthogonal weights, gain √2 on hidden layers, 0.01 on the policy's output layer
        // and 1 on the value's, zero biases (the policy's log-std keeps its configured start)
        var rng = SplitMix64(seed: config.seed).derived(stream: 5)
        policyParameters = orthogonalInitialization(
            context.policy.layout, outputGain: 0.01, logStd: config.policy.initialLogStd, using: &rng)
        valueParameters = orthogonalInitialization(valueLayout, outputGain: 1, logStd: 0, using: &rng)
        optimizer = Adam(
            parameterCount: context.policy.layout.parameterCount + valueLayout.parameterCount,
            learningRate: config.ppo.learningRate, epsilon: config.ppo.adamEpsilon)
        observationMoments = RunningMoments(width: o)
        context.policy.parameters = foldedPolicy()
    }

    public func runIteration(progress: (String) -> Void = { _ in }) throws -> IterationResult {
        try context.runIteration { log in
            progress("sampling")
            let paths = try context.collectModelFreeBatch(log: &log, controller: sampler())
            var clock = Stopwatch()

            progress("policy update")
            let observations = paths.flatMap(\.observations)
            let batch = prepare(paths, observations: observations)
            log.record("Time-SampleProc", clock.lap())
            let statistics = update(batch)
            log.record("Time-PolicyStep", clock.lap())
            for (key, value) in statistics { log.record(key, value) }
            if config.ppo.normalizeObservations { observationMoments.update(observations) }
            context.policy.parameters = foldedPolicy()
            context.recordPolicyStd(log: &log)
        }
    }

    /// The batch controller of sampling: the policy on standardized, clipped observations.
    func sampler() -> (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, inout SplitMix64) -> Void {
        let policy = GaussianMLPPolicy(layout: context.policy.layout, parameters: policyParameters)
        let standardize = standardizer()
        return { observations, actions, rng in
            let output = policy.sample(observations: standardize(Array(observations)), using: &rng)
            for i in 0..<actions.count { actions[i] = output.actions[i] }
        }
    }

    /// Raw observations (rows × observationSize) → what the networks see: standardized by the running statistics and
    /// clipped to ±``PPOConfig/observationClip`` (unchanged without `normalizeObservations`).
    func standardizer() -> ([Double]) -> [Double] {
        guard config.ppo.normalizeObservations else { return { $0 } }
        let o = context.spec.observationSize, clip = config.ppo.observationClip
        let mean = observationMoments.mean, scale = observationMoments.inverseScale
        return { raw in
            var x = raw
            for k in x.indices { x[k] = min(max((x[k] - mean[k % o]) * scale[k % o], -clip), clip) }
            return x
        }
    }

    /// The policy on raw observations, for replay, rendering and export: the standardization folded into the first
    /// layer. It equals the trained policy wherever no standardized observation reaches the ±10 clip.
    func foldedPolicy() -> [Double] {
        guard config.ppo.normalizeObservations else { return policyParameters }
        let layout = context.policy.layout, o = layout.observationSize, width = layout.widths[1]
        let scale = observationMoments.inverseScale, mean = observationMoments.mean
        var folded = policyParameters
        let w = layout.weightOffsets[0], b = layout.biasOffsets[0]
        for j in 0..<width {
            var shift = 0.0
            for i in 0..<o {
                let weight = policyParameters[w + i * width + j] * scale[i]
                folded[w + i * width + j] = weight
                shift += mean[i] * weight
            }
            folded[b + j] = policyParameters[b + j] - shift
        }
        return folded
    }

    /// One update's data in the networks' terms.
    struct Batch {
        var observations: [Double], actions: [Double], oldLogLikelihoods: [Double]
        var advantages: [Double], returns: [Double], oldValues: [Double]
        var count: Int { oldValues.count }
    }

    /// Standardized observations, normalized rewards, values, GAE advantages and returns of `paths`, whose raw
    /// observations, path after path, are `raw`.
    func prepare(_ paths: [Trajectory], observations raw: [Double]) -> Batch {
        let o = context.spec.observationSize, ppo = config.ppo, gamma = config.advantages.discount
        let observations = standardizer()(raw)
        var rewards = paths.flatMap(\.rewards)
        if ppo.normalizeReturns {
            var discounted = [Double]()
            discounted.reserveCapacity(rewards.count)
            for path in paths {
                var running = 0.0
                for r in path.rewards {
                    running = running * gamma + r
                    discounted.append(running)
                }
            }
            returnMoments.update(discounted)
            let scale = returnMoments.inverseScale[0]
            rewards = rewards.map { min(max($0 * scale, -ppo.rewardClip), ppo.rewardClip) }
        }
        let values = PPOLoss.values(valueLayout, valueParameters, observations: observations)
        let pathBatch = PathBatch(
            observationSize: o, observations: observations, rewards: rewards, lengths: paths.map(\.length))
        let advantages = Advantages.generalized(
            pathBatch, values: values, discount: gamma, lambda: config.advantages.gaeLambda)
        let actions = paths.flatMap(\.actions)
        let logLikelihoods = GaussianMLPPolicy(layout: context.policy.layout, parameters: policyParameters)
            .logLikelihoods(observations: observations, actions: actions)
        return Batch(
            observations: observations, actions: actions, oldLogLikelihoods: logLikelihoods,
            advantages: advantages, returns: zip(advantages, values).map { $0 + $1 }, oldValues: values)
    }

    /// The epochs of minibatch steps; returns the last epoch's mean losses, KL estimate and clip fraction.
    func update(_ batch: Batch) -> [(String, Double)] {
        let ppo = config.ppo, n = batch.count, minibatches = min(ppo.minibatches, n)
        let loss = PPOLoss(
            policy: context.policy.layout, value: valueLayout, config: ppo,
            standardizeAdvantages: config.advantages.standardize)
        var parameters = policyParameters + valueParameters
        var order = Array(0..<n)
        // the shuffles of update k come from their own stream, so that nothing random needs saving
        var rng = SplitMix64(seed: config.seed).derived(stream: 1_000 + UInt64(context.iteration))
        var sums = PPOLoss.Statistics()
        for epoch in 0..<ppo.epochs {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
            for m in 0..<minibatches {
                let rows = Array(order[(m * n / minibatches)..<((m + 1) * n / minibatches)])
                var (statistics, gradient) = loss.evaluate(parameters: parameters, batch: batch, rows: rows)
                let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > ppo.maxGradientNorm {
                    let scale = ppo.maxGradientNorm / norm
                    for k in gradient.indices { gradient[k] *= scale }
                }
                optimizer.update(parameters: &parameters, gradient: gradient)
                if epoch == ppo.epochs - 1 { sums.add(statistics, gradientNorm: norm) }
            }
        }
        let split = context.policy.layout.parameterCount
        policyParameters = Array(parameters[..<split])
        valueParameters = Array(parameters[split...])
        return sums.averages(over: minibatches)
    }

    /// Names of the algorithm's arrays in checkpoints.
    enum StateName {
        static let policy = "policy_parameters", value = "value_parameters"
        static let adamStep = "adam/step", adamFirst = "adam/first_moment", adamSecond = "adam/second_moment"
        static let observationMean = "observation/mean", observationVariance = "observation/variance"
        static let observationCount = "observation/count"
        static let returnMean = "return/mean", returnVariance = "return/variance", returnCount = "return/count"
    }

    public var algorithmState: AlgorithmState {
        AlgorithmState([
            StateName.policy: .init(policyParameters), StateName.value: .init(valueParameters),
            StateName.adamStep: .init([Double(optimizer.step)]),
            StateName.adamFirst: .init(optimizer.firstMoment), StateName.adamSecond: .init(optimizer.secondMoment),
            StateName.observationMean: .init(observationMoments.mean),
            StateName.observationVariance: .init(observationMoments.variance),
            StateName.observationCount: .init([observationMoments.count]),
            StateName.returnMean: .init(returnMoments.mean), StateName.returnVariance: .init(returnMoments.variance),
            StateName.returnCount: .init([returnMoments.count]),
        ])
    }

    public func validateAlgorithmState(_ state: AlgorithmState) throws {
        let o = context.spec.observationSize, count = optimizer.firstMoment.count
        let expected: [(String, Int)] = [
            (StateName.policy, policyParameters.count), (StateName.value, valueParameters.count),
            (StateName.adamStep, 1), (StateName.adamFirst, count), (StateName.adamSecond, count),
            (StateName.observationMean, o), (StateName.observationVariance, o), (StateName.observationCount, 1),
            (StateName.returnMean, 1), (StateName.returnVariance, 1), (StateName.returnCount, 1),
        ]
        for (name, size) in expected {
            let array = try state.array(name)
            guard array.shape == [size], array.values.allSatisfy(\.isFinite) else {
                throw TrainingStateError("the saved '\(name)' does not fit this configuration")
            }
        }
        let step = try state.array(StateName.adamStep).values[0]
        guard step >= 0, step == step.rounded(), step < 1e15,
            try state.array(StateName.observationVariance).values.allSatisfy({ $0 >= 0 }),
            try state.array(StateName.returnVariance).values[0] >= 0,
            try state.array(StateName.observationCount).values[0] > 0,
            try state.array(StateName.returnCount).values[0] > 0
        else { throw TrainingStateError("the saved PPO optimizer or statistics are out of range") }
    }

    public func restoreAlgorithmState(_ state: AlgorithmState) {
        guard (try? validateAlgorithmState(state)) != nil else { return }
        func values(_ name: String) -> [Double] { state.arrays[name]?.values ?? [] }
        policyParameters = values(StateName.policy)
        valueParameters = values(StateName.value)
        optimizer = Adam(
            learningRate: config.ppo.learningRate, epsilon: config.ppo.adamEpsilon,
            step: Int(values(StateName.adamStep)[0]), firstMoment: values(StateName.adamFirst),
            secondMoment: values(StateName.adamSecond))
        observationMoments.mean = values(StateName.observationMean)
        observationMoments.variance = values(StateName.observationVariance)
        observationMoments.count = values(StateName.observationCount)[0]
        returnMoments.mean = values(StateName.returnMean)
        returnMoments.variance = values(StateName.returnVariance)
        returnMoments.count = values(StateName.returnCount)[0]
    }
}

/// ppo2's loss on a minibatch, with its exact gradient: −mean(min(r Â, clip(r, 1 ± ε) Â)) − c_H · H(π) +
/// c_V · ½ mean(max((V − R)², (V_old + clip(V − V_old, ±ε) − R)²)), r = π(a|o)/π_old(a|o). Where the max or min is
/// tied, the gradient follows the unclipped term (as TensorFlow's).
struct PPOLoss {
    let policy: PolicyLayout, value: PolicyLayout
    let config: PPOConfig
    let standardizeAdvantages: Bool

    /// The last-epoch quantities PPO logs.
    struct Statistics {
        var policyLoss = 0.0, valueLoss = 0.0, entropy = 0.0, approximateKL = 0.0, clipFraction = 0.0
        var gradientNorm = 0.0

        mutating func add(_ other: Statistics, gradientNorm norm: Double) {
            policyLoss += other.policyLoss
            valueLoss += other.valueLoss
            entropy += other.entropy
            approximateKL += other.approximateKL
            clipFraction += other.clipFraction
            gradientNorm += norm
        }

        func averages(over count: Int) -> [(String, Double)] {
            let n = Double(max(count, 1))
            return [
                ("PPO-PolicyLoss", policyLoss / n), ("PPO-ValueLoss", valueLoss / n), ("PPO-Entropy", entropy / n),
                ("PPO-ApproxKL", approximateKL / n), ("PPO-ClipFraction", clipFraction / n),
                ("PPO-GradientNorm", gradientNorm / n),
            ]
        }
    }

    /// The value network's outputs for every row of `observations`.
    static func values(_ layout: PolicyLayout, _ parameters: [Double], observations: [Double]) -> [Double] {
        GaussianMLPPolicy(layout: layout, parameters: parameters).means(observations: observations)
    }

    /// Loss statistics and the gradient with respect to `parameters` (the policy's, then the value network's) on
    /// the batch rows `rows`.
    func evaluate(parameters: [Double], batch: PPOTrainer.Batch, rows: [Int]) -> (Statistics, [Double]) {
        let o = policy.observationSize, a = policy.actionSize, n = rows.count, scale = 1 / Double(max(n, 1))
        var x = [Double](repeating: 0, count: n * o), actions = [Double](repeating: 0, count: n * a)
        var advantages = rows.map { batch.advantages[$0] }
        for (r, row) in rows.enumerated() {
            for j in 0..<o { x[r * o + j] = batch.observations[row * o + j] }
            for j in 0..<a { actions[r * a + j] = batch.actions[row * a + j] }
        }
        if standardizeAdvantages { advantages = Advantages.standardized(advantages) }
        let split = policy.parameterCount
        let theta = Array(parameters[..<split]), phi = Array(parameters[split...])
        let policyPass = Pass(layout: policy, parameters: theta, x: x, rows: n)
        let valuePass = Pass(layout: value, parameters: phi, x: x, rows: n)
        let means = policyPass.output, values = valuePass.output
        let logStd = theta.withUnsafeBufferPointer { policy.logStd($0.baseAddress!) }
        let mask = theta.withUnsafeBufferPointer { policy.logStdMask($0.baseAddress!) }
        let inverseVariance = logStd.map { exp(-2 * $0) }
        let eps = config.clipRange
        var statistics = Statistics()
        var meanGradient = [Double](repeating: 0, count: n * a), logStdGradient = [Double](repeating: 0, count: a)
        var valueGradient = [Double](repeating: 0, count: n)
        for r in 0..<n {
            var logLikelihood = 0.0
            for j in 0..<a {
                let diff = actions[r * a + j] - means[r * a + j]
                logLikelihood += -0.5 * diff * diff * inverseVariance[j] - logStd[j]
            }
            logLikelihood -= 0.5 * Double(a) * log(2 * Double.pi)
            let logRatio = logLikelihood - batch.oldLogLikelihoods[rows[r]], ratio = exp(logRatio)
            let advantage = advantages[r]
            let unclipped = -advantage * ratio, clipped = -advantage * min(max(ratio, 1 - eps), 1 + eps)
            statistics.policyLoss += max(unclipped, clipped) * scale
            statistics.approximateKL += 0.5 * logRatio * logRatio * scale
            if abs(ratio - 1) > eps { statistics.clipFraction += scale }
            // ∂(loss)/∂ log π for this row
            let inside = ratio >= 1 - eps && ratio <= 1 + eps
            let dLog = (unclipped >= clipped || inside) ? -advantage * ratio * scale : 0
            for j in 0..<a {
                let diff = actions[r * a + j] - means[r * a + j], d = diff * inverseVariance[j]
                meanGradient[r * a + j] = dLog * d
                logStdGradient[j] += dLog * (diff * d - 1)
            }
            // value loss
            let v = values[r], target = batch.returns[rows[r]], old = batch.oldValues[rows[r]]
            let change = v - old, clippedValue = old + min(max(change, -eps), eps)
            let l1 = (v - target) * (v - target), l2 = (clippedValue - target) * (clippedValue - target)
            statistics.valueLoss += 0.5 * max(l1, l2) * scale
            let dValue =
                l1 >= l2 ? v - target : (change >= -eps && change <= eps ? clippedValue - target : 0)
            valueGradient[r] = config.valueCoefficient * dValue * scale
        }
        let entropyPerDimension = 0.5 * (log(2 * Double.pi) + 1)
        statistics.entropy = logStd.reduce(0) { $0 + $1 + entropyPerDimension }
        var gradient = [Double](repeating: 0, count: parameters.count)
        gradient.withUnsafeMutableBufferPointer { g in
            policyPass.backward(outputGradient: meanGradient, into: g.baseAddress!)
            valuePass.backward(outputGradient: valueGradient, into: g.baseAddress! + split)
        }
        for j in 0..<a {
            gradient[policy.logStdOffset + j] = mask[j] * (logStdGradient[j] - config.entropyCoefficient)
        }
        gradient[split + value.logStdOffset] = 0
        return (statistics, gradient)
    }

    /// A forward pass of a tanh network over `rows` rows, keeping what its backward pass reads.
    struct Pass {
        let passes: PolicyNetworkPasses
        let parameters: [Double], x: [Double], rows: Int
        let hidden: LayerBuffers
        /// The network's outputs (rows × output width).
        private(set) var output: [Double]

        init(layout: PolicyLayout, parameters: [Double], x: [Double], rows: Int) {
            passes = PolicyNetworkPasses(layout: layout)
            (self.parameters, self.x, self.rows) = (parameters, x, rows)
            hidden = LayerBuffers(layout: layout, rows: rows)
            var result = [Double](repeating: 0, count: rows * layout.actionSize)
            let (passes, hidden) = (self.passes, self.hidden)
            if rows > 0 {
                x.withUnsafeBufferPointer { xb in
                    parameters.withUnsafeBufferPointer { tb in
                        result.withUnsafeMutableBufferPointer { ob in
                            passes.forward(
                                rows: rows, x: xb.baseAddress!, theta: tb.baseAddress!, hidden: hidden.at(row: 0),
                                mean: ob.baseAddress!)
                        }
                    }
                }
            }
            output = result
        }

        /// Adds ∂/∂θ of Σ_r outputGradient[r] · f_θ(x_r) (the log-std entries excluded) into `out`.
        func backward(outputGradient: [Double], into out: UnsafeMutablePointer<Double>) {
            guard rows > 0 else { return }
            let gz = LayerBuffers(layout: passes.layout, rows: rows)
            x.withUnsafeBufferPointer { xb in
                parameters.withUnsafeBufferPointer { tb in
                    outputGradient.withUnsafeBufferPointer { gb in
                        passes.backward(
                            rows: rows, x: xb.baseAddress!, theta: tb.baseAddress!, hidden: hidden.at(row: 0),
                            outputGradient: gb.baseAddress!, gz: gz.at(row: 0), ga: nil, gradient: out)
                    }
                }
            }
        }
    }
}
