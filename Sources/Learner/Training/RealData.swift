import Core

/// Transitions (o_t, a_t, o_{t+1}) for the dynamics model from real trajectories, as the original builds them:
/// t = 0 … L − 2 for a path of length L, i.e. the last step of every path is dropped, and actions are the raw
/// policy outputs in the normalized action space (not clipped).
/// - Returns: observations and nextObservations (n × observationSize), actions (n × actionSize), with
///   n = Σ (L − 1).
public func modelTransitions(
    from paths: [Trajectory], observationSize: Int, actionSize: Int
)
    -> (observations: [Double], actions: [Double], nextObservations: [Double])
{
    let count = paths.reduce(0) { $0 + max($1.length - 1, 0) }
    var observations = [Double](), actions = [Double](), next = [Double]()
    observations.reserveCapacity(count * observationSize)
    next.reserveCapacity(count * observationSize)
    actions.reserveCapacity(count * actionSize)
    for path in paths where path.length >= 2 {
        let steps = path.length - 1
        observations.append(contentsOf: path.observations[0..<(steps * observationSize)])
        next.append(contentsOf: path.observations[observationSize..<((steps + 1) * observationSize)])
        actions.append(contentsOf: path.actions[0..<(steps * actionSize)])
    }
    return (observations, actions, next)
}

/// Mean, population standard deviation, minimum and maximum of undiscounted returns (zeros for no paths).
public struct ReturnStatistics: Equatable, Sendable {
    public var mean = 0.0, standardDeviation = 0.0, minimum = 0.0, maximum = 0.0
    public var count = 0

    public init(_ returns: [Double]) {
        guard !returns.isEmpty else { return }
        count = returns.count
        (mean, standardDeviation) = meanAndStandardDeviation(returns)
        minimum = returns.min() ?? 0
        maximum = returns.max() ?? 0
    }

    /// Statistics of the trajectories' total rewards.
    public init(paths: [Trajectory]) { self.init(paths.map(\.totalReward)) }
}
