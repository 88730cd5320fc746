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
    /// repository's final code keeps 100 000); the oldest are dropped beyond this. A 101 000-step run fills neither
    /// size but for its last 1 000 steps, so the two agree on the paper's horizon; the larger keeps every transition.
    public var bufferCapacity: Int = 300_000
    /// Whether every layer uses weight normalization W = V·diag(g/‖V[:, j]‖₂) with g initialized to 1.
    public var weightNormalization: Bool = true
    /// Arithmetic of the members' matrix products, in training and in imagined rollouts: `float32` (the original's)
    /// or `bfloat16` (bfloat16 operands, float32 sums, ≈ 2× the product throughput on AVX512-BF16 CPUs; see
    /// ``MatrixPrecision``). Configurations written before this key existed read as `float32`. Called `productPrecision`
    /// until 2026-12 (files and `--set` may still use that name).
    public var matrixPrecision: MatrixPrecision = .float32

    /// The paper configuration, optionally with some fields replaced.
    public init(
        members: Int = 5, hiddenSizes: [Int] = [512, 512], learningRate: Double = 1e-3,
        batchSize: Int = 500, maxEpochs: Int = 500, validationFraction: Double = 0.2,
        rollingAveragePersistence: Double = 0.99, bufferCapacity: Int = 300_000,
        weightNormalization: Bool = true, matrixPrecision: MatrixPrecision = .float32
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
    }

    /// Decodes every key, `matrixPrecision` optional (run folders and checkpoints from before it read as float32, or
    /// under its former name `productPrecision`).
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
    }

    /// Keys that configurations written by earlier versions may hold.
    private enum FormerKeys: String, CodingKey {
        case productPrecision
    }
}
