#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Architecture of the Gaussian MLP policy (docs/algorithm.md §3.1): hidden widths, initial and minimum log-std.
public struct PolicyConfig: Codable, Equatable, Sendable {
    /// Widths of the tanh hidden layers of the mean network, input side first (units; (32, 32) in the paper).
    public var hiddenSizes: [Int]
    /// Initial value of every entry of the state-independent log-std vector (natural log; log 1 = 0 in the paper).
    public var initialLogStd: Double
    /// Lower clamp of the log-std: log σ = max(parameter, minLogStd) (natural log; log 1e-6 in the paper).
    public var minLogStd: Double

    /// Creates a configuration; the defaults are the paper's.
    public init(hiddenSizes: [Int] = [32, 32], initialLogStd: Double = 0, minLogStd: Double = log(1e-6)) {
        precondition(hiddenSizes.allSatisfy { $0 > 0 }, "hidden sizes must be positive, got \(hiddenSizes)")
        self.hiddenSizes = hiddenSizes
        self.initialLogStd = initialLogStd
        self.minLogStd = minLogStd
    }
}

/// Shapes of the policy and where each parameter block sits in the flat parameter vector.
///
/// The mean network maps an observation through `hiddenSizes.count` tanh layers to the action mean:
/// z_l = u_l · W_l + b_l with u_0 = o, u_{l+1} = tanh(z_l), μ = z_L. `W_l` is stored row-major (in × out).
/// Flat order: W0, b0, W1, b1, …, W_L, b_L, logStd (actionSize).
public struct PolicyLayout: Equatable, Sendable {
    /// Layer widths [observationSize, hidden…, actionSize].
    public let widths: [Int]
    /// Offset of each W_l in the flat vector.
    public let weightOffsets: [Int]
    /// Offset of each b_l in the flat vector.
    public let biasOffsets: [Int]
    /// Offset of the log-std block (actionSize entries, last in the vector).
    public let logStdOffset: Int
    /// Total number of parameters.
    public let parameterCount: Int
    /// Lower clamp of the log-std.
    public let minLogStd: Double

    /// Builds the layout for the given sizes.
    public init(observationSize: Int, actionSize: Int, hiddenSizes: [Int], minLogStd: Double = log(1e-6)) {
        precondition(
            observationSize > 0 && actionSize > 0,
            "sizes must be positive, got observation \(observationSize), action \(actionSize)")
        widths = [observationSize] + hiddenSizes + [actionSize]
        var weights: [Int] = [], biases: [Int] = [], offset = 0
        for l in 0..<(widths.count - 1) {
            weights.append(offset)
            offset += widths[l] * widths[l + 1]
            biases.append(offset)
            offset += widths[l + 1]
        }
        weightOffsets = weights
        biasOffsets = biases
        logStdOffset = offset
        parameterCount = offset + actionSize
        self.minLogStd = minLogStd
    }

    /// The layout of a policy built from `config`.
    public init(observationSize: Int, actionSize: Int, config: PolicyConfig) {
        self.init(
            observationSize: observationSize, actionSize: actionSize, hiddenSizes: config.hiddenSizes,
            minLogStd: config.minLogStd)
    }

    /// Observation length (input width).
    public var observationSize: Int { widths[0] }
    /// Action length (output width).
    public var actionSize: Int { widths[widths.count - 1] }
    /// Number of hidden layers L; the network has L + 1 affine layers.
    public var hiddenLayerCount: Int { widths.count - 2 }
    /// Widest layer, used to size scratch buffers.
    public var maxWidth: Int { widths.max() ?? 0 }

    /// Effective log-std: max(parameters[logStd], minLogStd), one entry per action dimension.
    public func logStd(_ parameters: UnsafePointer<Double>) -> [Double] {
        (0..<actionSize).map { max(parameters[logStdOffset + $0], minLogStd) }
    }

    /// ∂ logσ_d / ∂ parameter_d: 1 where the clamp is inactive (parameter ≥ minLogStd), else 0.
    public func logStdMask(_ parameters: UnsafePointer<Double>) -> [Double] {
        (0..<actionSize).map { parameters[logStdOffset + $0] >= minLogStd ? 1 : 0 }
    }
}
