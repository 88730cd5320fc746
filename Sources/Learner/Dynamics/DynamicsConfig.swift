/// Hyperparameters of the ``DynamicsEnsemble`` (MB-MPO paper values as defaults).
public struct DynamicsConfig: Codable, Equatable, Sendable {
    /// Number of independently initialized and trained networks K.
    public var members: Int = 5
    /// Widths of the hidden layers of every member (ReLU).
    public var hiddenSizes: [Int] = [512, 512]
    /// Adam step size of every member.
    public var learningRate: Double = 1e-3
    /// Rows per training mini-batch (the last batch of an epoch may be smaller).
    public var batchSize: Int = 500
    /// Most epochs per fit; a member still training at the last epoch stops there.
    public var maxEpochs: Int = 500
    /// Fraction of the buffer each member holds out for validation (its own random split at every fit).
    public var validationFraction: Double = 0.2
    /// Persistence ρ of the rolling validation average R ← ρR + (1 − ρ)v used for early stopping.
    public var rollingAveragePersistence: Double = 0.99
    /// Transitions kept in the FIFO buffer; the oldest are dropped beyond this.
    public var bufferCapacity: Int = 300_000
    /// Whether every layer uses weight normalization W = V·diag(g/‖V[:, j]‖₂) with g initialized to 1.
    public var weightNormalization: Bool = true

    /// The paper configuration, optionally with some fields replaced.
    public init(members: Int = 5, hiddenSizes: [Int] = [512, 512], learningRate: Double = 1e-3,
                batchSize: Int = 500, maxEpochs: Int = 500, validationFraction: Double = 0.2,
                rollingAveragePersistence: Double = 0.99, bufferCapacity: Int = 300_000,
                weightNormalization: Bool = true) {
        self.members = members
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.validationFraction = validationFraction
        self.rollingAveragePersistence = rollingAveragePersistence
        self.bufferCapacity = bufferCapacity
        self.weightNormalization = weightNormalization
    }
}
