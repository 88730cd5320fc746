/// When a batch of real rollouts stops.
public enum StopRule: Equatable, Sendable {
    /// As soon as the completed trajectories hold at least this many steps; running ones are discarded
    /// (the original samplers' rule).
    case completedSteps(Int)
    /// As soon as this many trajectories are complete; exactly that many are returned.
    case episodes(Int)
}

/// Fills `actions` (environments × actionSize) for `observations` (environments × observationSize), one row per
/// environment, in environment order.
public typealias BatchPolicy = (
    _ observations: UnsafeBufferPointer<Double>,
    _ actions: UnsafeMutableBufferPointer<Double>
) throws -> Void

/// Collects real trajectories from a fixed set of environments stepped in lockstep (environment j is row j of
/// every policy call). The learner sees the real world only through this.
public protocol TrajectorySampler: AnyObject {
    /// The environments' sizes and timing.
    var spec: EnvironmentSpec { get }
    /// Number of environments stepped together.
    var environmentCount: Int { get }
    /// The processes the environments are split over: each steps its own, and every one returns every trajectory.
    var communicator: any Communicator { get set }
    /// The environments' random-stream states (one per environment), saved and restored to resume sampling exactly.
    var generatorStates: [SplitMix64] { get set }
    /// Runs every environment from a fresh reset until `stop` holds; episodes are cut at `horizon` steps, and an
    /// environment whose episode ends is reset and keeps sampling.
    func sample(horizon: Int, stop: StopRule, policy: BatchPolicy) throws -> [Trajectory]
}

/// A batch policy of uniform random actions in [-1, 1]^actionSize drawn from `rng` on the calling thread.
public func uniformRandomPolicy(using rng: UnsafeMutablePointer<SplitMix64>) -> BatchPolicy {
    return { _, actions in
        for i in 0..<actions.count { actions[i] = rng.pointee.nextUniform(-1, 1) }
    }
}
