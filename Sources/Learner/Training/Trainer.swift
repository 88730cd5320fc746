import Core

/// A model-based training algorithm run iteration by iteration.
///
/// A new algorithm is one file with a type conforming to this protocol, plus its case in ``Algorithm`` and its line
/// in ``Algorithm/trainerType``: presets, checkpoints, trajectory files and the command line take the rest from
/// here.
public protocol Trainer: AnyObject {
    /// A trainer of `config` (its algorithm this type's) with `real` (`config.realEnvironments` environments) and
    /// `environment`, an instance of the same task for imagined resets and the model-side reward and termination.
    init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment)
    /// The paper's settings for this algorithm, from the MB-MPO settings in `config`.
    static func applyPaperSettings(to config: inout TrainingConfig)
    /// The name trajectory files give the controller of exploration rollouts (`adapted`, `policy`, `mpc`).
    static var explorationPolicyName: String { get }
    /// Whether real rollouts after the random phase serve tasks (environment j → task j / rollouts per task).
    static var realRolloutsServeTasks: Bool { get }
    /// Whether the algorithm fits the dynamics ensemble (false for the model-free ones, whose configurations hold a
    /// one-unit placeholder ensemble that is never used).
    static var learnsDynamics: Bool { get }

    /// The shared state.
    var context: TrainingContext { get }
    /// Runs one outer iteration; `progress` receives short phase names for a live display.
    func runIteration(progress: (String) -> Void) throws -> IterationResult
    /// The algorithm's own state between iterations (see ``captureState()``).
    var algorithmState: AlgorithmState { get }
    /// Throws unless `state` fits this trainer (the arrays it needs, their shapes).
    func validateAlgorithmState(_ state: AlgorithmState) throws
    /// Sets the algorithm's own state (validated first).
    func restoreAlgorithmState(_ state: AlgorithmState)
}

extension Trainer {
    public static func applyPaperSettings(to config: inout TrainingConfig) {}
    public static var realRolloutsServeTasks: Bool { false }
    public static var learnsDynamics: Bool { true }
}

/// What one iteration produced: its progress row and the real trajectories it collected, by kind, in the order
/// they were collected.
public struct IterationResult: Sendable {
    /// The iteration (0-based).
    public var iteration: Int
    /// The progress row (`progress.csv`'s columns).
    public var log: IterationLog
    /// Every batch of real rollouts: random phase, exploration, evaluation.
    public var trajectories: [(kind: RealRolloutKind, paths: [Trajectory])]
}

extension Algorithm {
    /// The trainer type of the algorithm.
    public var trainerType: any Trainer.Type {
        switch self {
        case .mbMPO: return MBMPOTrainer.self
        case .meTRPO: return METRPOTrainer.self
        case .mbMPC: return MBMPCTrainer.self
        case .trpo: return TRPOTrainer.self
        case .ppo: return PPOTrainer.self
        }
    }
}

extension TrainingConfig {
    /// A trainer of this configuration's algorithm.
    public func makeTrainer(real: any TrajectorySampler, environment: any Environment) -> any Trainer {
        algorithm.trainerType.init(config: self, real: real, environment: environment)
    }
}
