import Core

/// Normalization statistics of the dynamics model's inputs and targets, recomputed over the buffer at every fit.
public struct DynamicsNormalization: Codable, Equatable, Sendable {
    /// Statistics of observations o (dO).
    public var observation: FeatureNormalization
    /// Statistics of actions a (dA).
    public var action: FeatureNormalization
    /// Statistics of targets Δ = o′ − o (dO).
    public var delta: FeatureNormalization

    /// Statistics from their three parts.
    public init(observation: FeatureNormalization, action: FeatureNormalization, delta: FeatureNormalization) {
        self.observation = observation
        self.action = action
        self.delta = delta
    }
}

/// An ensemble of K MLP dynamics models, each predicting the normalized change of observation (MB-MPO, §2).
///
/// Member k maps [normalize(o), normalize(a)] (dO + dA) through hidden ReLU layers to normalize(Δ) (dO); the
/// prediction is o′ = o + denormalize(Δ). Every layer is weight-normalized. Members differ only in initialization,
/// validation split and batch order. Computation is in `Float`; members run in parallel on ``threads`` workers with
/// single-threaded BLAS, so results are bit-identical for any thread count.
///
/// Typical use per iteration: ``add(observations:actions:nextObservations:)`` the new real transitions, ``fit()``,
/// then imagined rollouts through ``predictBlocks(observations:actions:rows:into:workspace:)``.
public final class DynamicsEnsemble {
    /// Hyperparameters.
    public let config: DynamicsConfig
    /// Observation width dO.
    public let observationSize: Int
    /// Action width dA.
    public let actionSize: Int
    /// Workers for fitting and prediction (results do not depend on it).
    public var threads: Int
    /// Real transitions used by ``fit()``.
    public var buffer: TransitionBuffer
    /// Statistics from the last fit (identity before the first).
    public internal(set) var normalization: DynamicsNormalization
    /// Generator for validation splits and batch order; advanced by every fit.
    public var rng: SplitMix64
    /// The offset b_k added to every entry of member k's predictions (``ModelImperfection``; all zero unless set
    /// with ``setOutputOffsets(_:)``).
    public private(set) var outputOffsets: [Double]
    /// The processes the fit is split over (``SingleProcess`` alone: every member trains here).
    public var communicator: any Communicator = SingleProcess.shared
    /// ``chunkBoundaries(total:)`` of the last total that ``Propagation/blockRange(first:total:)`` predicted, kept so
    /// that predictions do not allocate.
    var cachedChunkBoundaries: (total: Int, boundaries: [Int]) = (-1, [])

    let members: [EnsembleMember]
    let scales: NormalizationBuffers
    // normalized fit data, reused across fits: inputs (N × (dO + dA)), targets (N × dO)
    var fitInputs: [Float] = []
    var fitTargets: [Float] = []

    /// A fresh ensemble: member networks initialized from `rng` (Xavier V, g = 1, b = 0), Adam states zero.
    /// - Parameter threads: workers; defaults to the number of online processors.
    public init(
        config: DynamicsConfig, observationSize: Int, actionSize: Int, using rng: inout SplitMix64,
        threads: Int? = nil
    ) {
        precondition(
            config.members > 0 && config.batchSize > 0 && config.maxEpochs > 0,
            "members, batch size and epochs must be positive: \(config)")
        precondition(
            config.validationFraction > 0 && config.validationFraction < 1,
            "validation fraction must lie in (0, 1), got \(config.validationFraction)")
        self.config = config
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.threads = threads ?? onlineProcessors()
        buffer = TransitionBuffer(
            observationSize: observationSize, actionSize: actionSize,
            capacity: config.bufferCapacity)
        normalization = DynamicsNormalization(
            observation: FeatureNormalization(size: observationSize),
            action: FeatureNormalization(size: actionSize),
            delta: FeatureNormalization(size: observationSize))
        let sizes = [observationSize + actionSize] + config.hiddenSizes + [observationSize]
        members = (0..<config.members).map { _ in
            var network = MLP<Float>(
                layerSizes: sizes, activation: .relu,
                weightNormalization: config.weightNormalization, using: &rng)
            network.matrixPrecision = config.matrixPrecision
            return EnsembleMember(network: network, learningRate: config.learningRate)
        }
        self.rng = SplitMix64(seed: rng.next())
        outputOffsets = [Double](repeating: 0, count: config.members)
        scales = NormalizationBuffers(observationSize: observationSize, actionSize: actionSize)
        scales.load(normalization)
    }

    /// ``init(config:observationSize:actionSize:using:threads:)`` with the sizes of `spec`.
    public convenience init(
        config: DynamicsConfig, spec: EnvironmentSpec, using rng: inout SplitMix64,
        threads: Int? = nil
    ) {
        self.init(
            config: config, observationSize: spec.observationSize, actionSize: spec.actionSize,
            using: &rng, threads: threads)
    }

    /// Number of members K.
    public var memberCount: Int { members.count }

    /// Layer widths of every member: [dO + dA, hidden…, dO].
    public var layerSizes: [Int] { members[0].network.layerSizes }

    /// The flat parameter vector of member `k` (layout of ``MLP``).
    public func parameters(member k: Int) -> [Float] { members[k].network.parameters }

    /// Replaces member `k`'s parameters (its Adam state is kept).
    public func setParameters(_ parameters: [Float], member k: Int) {
        precondition(
            parameters.count == members[k].network.parameterCount,
            "member \(k) has \(members[k].network.parameterCount) parameters, got \(parameters.count)")
        members[k].network.parameters = parameters
        members[k].refreshWeights()
    }

    /// Replaces the normalization statistics (normally set by ``fit()``).
    public func setNormalization(_ statistics: DynamicsNormalization) {
        normalization = statistics
        scales.load(statistics)
    }

    /// Replaces the per-member prediction offsets (one finite value per member).
    public func setOutputOffsets(_ offsets: [Double]) {
        precondition(
            offsets.count == members.count && offsets.allSatisfy(\.isFinite),
            "expected \(members.count) finite offsets, got \(offsets)")
        outputOffsets = offsets
    }

    /// Whether predictions get offsets or noise added (``ModelImperfection``).
    var perturbsPredictions: Bool { config.imperfection.noiseStd != 0 || outputOffsets.contains { $0 != 0 } }

    /// The Adam state of member `k`.
    public func optimizer(member k: Int) -> Adam<Float> { members[k].optimizer }

    /// Replaces the Adam state of member `k` (its parameter count must match).
    public func setOptimizer(_ optimizer: Adam<Float>, member k: Int) {
        precondition(
            optimizer.firstMoment.count == members[k].network.parameterCount,
            "member \(k) has \(members[k].network.parameterCount) parameters, the optimizer state "
                + "\(optimizer.firstMoment.count)")
        members[k].optimizer = optimizer
    }

    /// Adds real transitions (rows × dO observations and next observations, rows × dA actions) to the buffer.
    public func add(observations: [Double], actions: [Double], nextObservations: [Double]) {
        buffer.append(observations: observations, actions: actions, nextObservations: nextObservations)
    }
}

/// Single-precision μ and σ + ε of observations, actions and Δ, in stable memory for the hot loops.
final class NormalizationBuffers: @unchecked Sendable {
    // @unchecked: written only by load(), between (never during) parallel passes.
    let observationMean, observationScale, actionMean, actionScale, deltaMean, deltaScale: UnsafeMutablePointer<Float>

    init(observationSize: Int, actionSize: Int) {
        func make(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        (observationMean, observationScale) = (make(observationSize), make(observationSize))
        (actionMean, actionScale) = (make(actionSize), make(actionSize))
        (deltaMean, deltaScale) = (make(observationSize), make(observationSize))
    }

    deinit {
        for p in [observationMean, observationScale, actionMean, actionScale, deltaMean, deltaScale] { p.deallocate() }
    }

    func load(_ n: DynamicsNormalization) {
        func copy(
            _ f: FeatureNormalization, _ mean: UnsafeMutablePointer<Float>,
            _ scale: UnsafeMutablePointer<Float>
        ) {
            let (m, s) = f.floatParameters
            for i in m.indices { (mean[i], scale[i]) = (m[i], s[i]) }
        }
        copy(n.observation, observationMean, observationScale)
        copy(n.action, actionMean, actionScale)
        copy(n.delta, deltaMean, deltaScale)
    }
}
