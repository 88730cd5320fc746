import Core

/// Everything a trainer needs to continue a run exactly where it stopped: restoring it into a fresh trainer of the
/// same configuration and running on gives bit-identical results to a run that never stopped.
///
/// Obtained with ``Trainer/captureState()`` between iterations and applied with ``Trainer/restore(_:)``.
public struct TrainingState: Equatable, Sendable {
    /// The run's configuration.
    public var config: TrainingConfig
    /// Completed outer iterations.
    public var iteration: Int
    /// Real steps as logged (`n_timesteps`).
    public var loggedTimesteps: Int
    /// Real steps taken for training data.
    public var realSteps: Int
    /// Stream of real-action noise.
    public var actionRNG: SplitMix64
    /// Stream of imagined rollouts.
    public var imaginationRNG: SplitMix64
    /// Each real environment's reset stream (environment order).
    public var environmentGenerators: [SplitMix64]
    /// Policy parameters θ.
    public var policyParameters: [Double]
    /// The dynamics model and its data.
    public var ensemble: EnsembleState
    /// What only one algorithm keeps.
    public var algorithm: AlgorithmState

    /// A state from its parts.
    public init(
        config: TrainingConfig, iteration: Int, loggedTimesteps: Int, realSteps: Int, actionRNG: SplitMix64,
        imaginationRNG: SplitMix64, environmentGenerators: [SplitMix64], policyParameters: [Double],
        ensemble: EnsembleState, algorithm: AlgorithmState
    ) {
        self.config = config
        self.iteration = iteration
        self.loggedTimesteps = loggedTimesteps
        self.realSteps = realSteps
        self.actionRNG = actionRNG
        self.imaginationRNG = imaginationRNG
        self.environmentGenerators = environmentGenerators
        self.policyParameters = policyParameters
        self.ensemble = ensemble
        self.algorithm = algorithm
    }
}

/// The dynamics ensemble's learned and random state.
public struct EnsembleState: Equatable, Sendable {
    /// Each member's flat parameters (layout of ``MLP``).
    public var parameters: [[Float]]
    /// Each member's Adam state.
    public var optimizers: [Adam<Float>]
    /// Input and target statistics of the last fit.
    public var normalization: DynamicsNormalization
    /// The real transitions.
    public var buffer: TransitionBuffer
    /// Validation-split and batch-order stream.
    public var rng: SplitMix64

    /// A state from its parts.
    public init(
        parameters: [[Float]], optimizers: [Adam<Float>], normalization: DynamicsNormalization,
        buffer: TransitionBuffer, rng: SplitMix64
    ) {
        self.parameters = parameters
        self.optimizers = optimizers
        self.normalization = normalization
        self.buffer = buffer
        self.rng = rng
    }
}

/// State that only one algorithm carries between iterations, as named arrays of doubles with their shapes, so that
/// checkpoints store any algorithm's state without knowing the algorithm (under `algorithm/<name>/<array>`).
///
/// Names are paths of lowercase words (`exploration_parameters`, `baseline/coefficients`); an array may be empty.
public struct AlgorithmState: Equatable, Sendable {
    /// One array: `values` in row-major order, `shape` its dimensions (their product is `values.count`).
    public struct Tensor: Equatable, Sendable {
        public var values: [Double]
        public var shape: [Int]

        /// An array of `values` with `shape` (a vector of all values when `shape` is nil).
        public init(_ values: [Double], shape: [Int]? = nil) {
            let shape = shape ?? [values.count]
            precondition(
                shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                "shape \(shape) does not hold \(values.count) values")
            (self.values, self.shape) = (values, shape)
        }

        /// Rows of a two-dimensional array (an empty list for an empty one).
        public var rows: [[Double]] {
            guard shape.count == 2, shape[0] > 0 else { return [] }
            return (0..<shape[0]).map { Array(values[($0 * shape[1])..<(($0 + 1) * shape[1])]) }
        }

        /// A two-dimensional array of equally long `rows` ([0, 0] for none).
        public init(rows: [[Double]]) {
            let width = rows.first?.count ?? 0
            precondition(rows.allSatisfy { $0.count == width }, "rows of different lengths")
            self.init(rows.flatMap { $0 }, shape: [rows.count, width])
        }
    }

    /// The arrays by name.
    public var arrays: [String: Tensor]

    /// A state of `arrays` (none: an algorithm with nothing of its own).
    public init(_ arrays: [String: Tensor] = [:]) { self.arrays = arrays }

    /// The array named `name`, or a ``TrainingStateError`` naming it.
    public func array(_ name: String) throws -> Tensor {
        guard let array = arrays[name] else { throw TrainingStateError("the saved state has no '\(name)'") }
        return array
    }
}

/// A saved state that does not fit the trainer it is restored into.
public struct TrainingStateError: Error, Equatable, CustomStringConvertible {
    /// What does not match.
    public let reason: String

    /// An error with its reason.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Which real-environment rollouts a batch of trajectories came from.
public enum RealRolloutKind: String, CaseIterable, Sendable {
    /// The first iteration's uniform random actions.
    case random
    /// Data collection of later iterations (MB-MPO: adapted θ'_i; ME-TRPO: θ; MB-MPC: the planner).
    case exploration
    /// Evaluation of the pre-update policy θ (MB-MPO, logged only).
    case preUpdate = "pre-update"
    /// Evaluation of θ adapted on the pre-update rollouts (MB-MPO, logged only).
    case postUpdate = "post-update"
}

extension Trainer {
    /// The trainer's complete state between iterations.
    public func captureState() -> TrainingState {
        context.captureState(algorithm: algorithmState)
    }

    /// Puts a trainer built with the same configuration (iterations and threads may differ) into `state`.
    /// Throws ``TrainingStateError`` when the configuration or a shape differs; nothing is changed then.
    public func restore(_ state: TrainingState) throws {
        try context.checkCompatible(state)
        try validateAlgorithmState(state.algorithm)
        context.apply(state)
        restoreAlgorithmState(state.algorithm)
    }
}
