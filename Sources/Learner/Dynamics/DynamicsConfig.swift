import Core

/// Hyperparameters of the ``DynamicsEnsemble`` (MB-MPO paper values as defaults).
public struct DynamicsConfig: Codable, Equatable, Sendable {
    /// Number of independently initialized and trained networks K (count; 5).
    public var members: Int = 5
    /// Widths of the hidden ReLU layers of every member, input side first (units; (512, 512)).
    public var hiddenSizes: [Int] = [512, 512]
    /// Adam step size of every member (0.001).
    public var learningRate: Double = 1e-3
    /// Transitions per training mini-batch (500; the last batch of an epoch may be smaller).
    public var batchSize: Int = 500
    /// Most epochs per fit (passes over the training split; 500); a member still training then stops.
    public var maxEpochs: Int = 500
    /// Fraction of the buffer each member holds out for validation (0.2; its own random split at every fit).
    public var validationFraction: Double = 0.2
    /// Persistence ρ of the rolling validation average R ← ρR + (1 − ρ)v used for early stopping (0.99).
    public var rollingAveragePersistence: Double = 0.99
    /// Transitions kept in the FIFO buffer (300 000, as in the code submitted with the paper; the original
    /// repository's final code keeps 100 000); the oldest are dropped beyond this. A 101 000-step run holds 99 500
    /// before its last iteration and 103 480 after it, so the two differ only in the last fit; the larger keeps all.
    public var bufferCapacity: Int = 300_000
    /// Whether every layer uses weight normalization W = V·diag(g/‖V[:, j]‖₂) with g initialized to 1.
    public var weightNormalization: Bool = true
    /// Arithmetic of the members' matrix products, in training and in imagined rollouts: `float32` (the original's)
    /// or `bfloat16` (bfloat16 operands, float32 sums, ≈ 2× the product throughput on AVX512-BF16 CPUs; see
    /// ``MatrixPrecision``). Configurations written before this key existed read as `float32`. Called `productPrecision`
    /// until 2026-12 (files and `--set` may still use that name).
    public var matrixPrecision: MatrixPrecision = .float32
    /// Deliberate errors added to every prediction, for the paper's robustness experiment (none by default).
    public var imperfection = ModelImperfection()

    /// The paper configuration, optionally with some fields replaced.
    public init(
        members: Int = 5, hiddenSizes: [Int] = [512, 512], learningRate: Double = 1e-3,
        batchSize: Int = 500, maxEpochs: Int = 500, validationFraction: Double = 0.2,
        rollingAveragePersistence: Double = 0.99, bufferCapacity: Int = 300_000,
        weightNormalization: Bool = true, matrixPrecision: MatrixPrecision = .float32,
        imperfection: ModelImperfection = ModelImperfection()
    ) {
        self.members = members
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.validationFraction = validationFraction
        self.rollingAveragePersistence = rollingAveragePersistence
        self.bufferCapacity = bufferCapacity
        self.weightNormalization = weightNormalization
        self.matrixPrecision = matrixPrecision
        self.imperfection = imperfection
    }

    /// Decodes every key, `matrixPrecision` optional (run folders and checkpoints from before it read as float32, or
    /// under its former name `productPrecision`), `imperfection` optional (none).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        members = try c.decode(Int.self, forKey: .members)
        hiddenSizes = try c.decode([Int].self, forKey: .hiddenSizes)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        maxEpochs = try c.decode(Int.self, forKey: .maxEpochs)
        validationFraction = try c.decode(Double.self, forKey: .validationFraction)
        rollingAveragePersistence = try c.decode(Double.self, forKey: .rollingAveragePersistence)
        bufferCapacity = try c.decode(Int.self, forKey: .bufferCapacity)
        weightNormalization = try c.decode(Bool.self, forKey: .weightNormalization)
        matrixPrecision =
            try c.decodeIfPresent(MatrixPrecision.self, forKey: .matrixPrecision)
            ?? decoder.container(keyedBy: FormerKeys.self).decodeIfPresent(
                MatrixPrecision.self, forKey: .productPrecision)
            ?? .float32
        imperfection = try c.decodeIfPresent(ModelImperfection.self, forKey: .imperfection) ?? ModelImperfection()
    }

    /// Keys that configurations written by earlier versions may hold.
    private enum FormerKeys: String, CodingKey {
        case productPrecision
    }
}

/// Errors put into the ensemble's predictions on purpose, as the original code's bad-models experiment does: every
/// member k gets one offset b_k, drawn uniformly from [``biasLow``, ``biasHigh``], that is added to every entry of
/// every next observation it predicts, plus independent Gaussian noise N(0, ``noiseStd``²) per entry and prediction:
/// o′ = o + Δ_k + b_k + σε (observation units, after denormalization, before the imagined rollouts' clip). The fit is
/// not affected: the members still learn the real transitions. With the defaults (all zero) nothing is added and no
/// random number is drawn, so results are those of an ensemble without this option.
public struct ModelImperfection: Codable, Equatable, Sendable {
    /// Lower end of the range the per-member offsets are drawn from (observation units; 0).
    public var biasLow: Double = 0
    /// Upper end of that range (observation units; 0; the original's experiment used 0.1, 0.5 and 1 with a lower
    /// end of 0).
    public var biasHigh: Double = 0
    /// Standard deviation of the Gaussian noise added to every predicted entry (observation units; 0; the original's
    /// experiment used 0 and 0.1).
    public var noiseStd: Double = 0
    /// Whether the offsets are drawn anew at every iteration (true, as the robustness experiment runs it) or
    /// once for the whole run (false).
    public var resampleBias: Bool = true

    /// No imperfection.
    public init() {}

    /// Offsets from [low, high], noise σ.
    public init(biasLow: Double, biasHigh: Double, noiseStd: Double = 0, resampleBias: Bool = true) {
        (self.biasLow, self.biasHigh, self.noiseStd, self.resampleBias) = (biasLow, biasHigh, noiseStd, resampleBias)
    }

    /// Whether anything is added to the predictions.
    public var isActive: Bool { biasLow != 0 || biasHigh != 0 || noiseStd != 0 }

    /// The offsets b_k of `members` members for iteration `iteration` of a run whose model-error stream is `stream`
    /// (a pure function of the three, so a resumed run draws what an uninterrupted one does): iteration 0's for
    /// every iteration unless ``resampleBias``; all zero when the range is [0, 0].
    public func offsets(members: Int, iteration: Int, stream: SplitMix64) -> [Double] {
        guard biasLow != 0 || biasHigh != 0 else { return [Double](repeating: 0, count: members) }
        var rng = stream.derived(stream: UInt64(resampleBias ? max(iteration, 0) : 0))
        return (0..<members).map { _ in rng.nextUniform(biasLow, biasHigh) }
    }
}
