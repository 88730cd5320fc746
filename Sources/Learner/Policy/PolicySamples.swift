/// One task's policy samples in struct-of-arrays form, as the inner step and the TRPO surrogate consume them.
///
/// Pre-update bundles carry observations, actions and advantages; post-update bundles also carry the sampling
/// distribution (mean and log-std of the acting policy π_{θ'_i} recorded per row when the actions were drawn).
public struct PolicySamples: Sendable {
    /// Observation length.
    public let observationSize: Int
    /// Action length.
    public let actionSize: Int
    /// Observations (count × observationSize), raw.
    public var observations: [Double]
    /// Actions as sampled, unsquashed (count × actionSize).
    public var actions: [Double]
    /// Standardized advantages (count).
    public var advantages: [Double]
    /// Sampling-time means (count × actionSize); empty for pre-update data.
    public var oldMeans: [Double]
    /// Sampling-time log-stds (count × actionSize); empty for pre-update data.
    public var oldLogStds: [Double]

    /// Creates a bundle, checking that every array matches `advantages.count` rows.
    public init(
        observationSize: Int, actionSize: Int, observations: [Double], actions: [Double],
        advantages: [Double], oldMeans: [Double] = [], oldLogStds: [Double] = []
    ) {
        let n = advantages.count
        precondition(
            observations.count == n * observationSize,
            "observations: expected \(n * observationSize) entries, got \(observations.count)")
        precondition(actions.count == n * actionSize, "actions: expected \(n * actionSize), got \(actions.count)")
        precondition(
            oldMeans.isEmpty || oldMeans.count == n * actionSize,
            "oldMeans: expected 0 or \(n * actionSize), got \(oldMeans.count)")
        precondition(
            oldLogStds.count == oldMeans.count,
            "oldLogStds: expected \(oldMeans.count) entries, got \(oldLogStds.count)")
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.observations = observations
        self.actions = actions
        self.advantages = advantages
        self.oldMeans = oldMeans
        self.oldLogStds = oldLogStds
    }

    /// Number of rows.
    public var count: Int { advantages.count }

    /// Whether the sampling distribution is recorded (needed for the TRPO surrogate and KL).
    public var hasSamplingDistribution: Bool { !oldMeans.isEmpty || count == 0 }

    /// Rows `range` as a new bundle.
    public func rows(_ range: Range<Int>) -> PolicySamples {
        let o = observationSize, a = actionSize
        return PolicySamples(
            observationSize: o, actionSize: a,
            observations: Array(observations[(range.lowerBound * o)..<(range.upperBound * o)]),
            actions: Array(actions[(range.lowerBound * a)..<(range.upperBound * a)]),
            advantages: Array(advantages[range]),
            oldMeans: oldMeans.isEmpty ? [] : Array(oldMeans[(range.lowerBound * a)..<(range.upperBound * a)]),
            oldLogStds: oldLogStds.isEmpty ? [] : Array(oldLogStds[(range.lowerBound * a)..<(range.upperBound * a)]))
    }
}

/// The data of one meta-learning task: pre-update samples (drawn with θ) and post-update samples (drawn with θ'_i).
public struct MetaTaskSamples: Sendable {
    /// Samples for the inner step (observations, actions, advantages).
    public var pre: PolicySamples
    /// Samples for the outer surrogate and KL, with the sampling distribution recorded.
    public var post: PolicySamples

    /// Pairs the two bundles.
    public init(pre: PolicySamples, post: PolicySamples) {
        precondition(post.hasSamplingDistribution, "post-update samples need their sampling means and log-stds")
        self.pre = pre
        self.post = post
    }
}
