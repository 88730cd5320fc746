import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The paths one task collected in a sampling phase, struct-of-arrays (paths concatenated in completion order).
public struct TaskPaths: Sendable {
    /// Observations before each step (steps × observationSize).
    public var observations: [Double] = []
    /// Actions as sampled (steps × actionSize).
    public var actions: [Double] = []
    /// Rewards (steps).
    public var rewards: [Double] = []
    /// Sampling distribution per step: means and log-stds (steps × actionSize).
    public var means: [Double] = []
    public var logStds: [Double] = []
    /// Length of each path.
    public var lengths: [Int] = []

    public init() {}

    /// Number of steps.
    public var count: Int { rewards.count }

    /// Reserves room for `steps` steps in the per-step arrays.
    public mutating func reserveCapacity(steps: Int, observationSize: Int, actionSize: Int) {
        observations.reserveCapacity(steps * observationSize)
        actions.reserveCapacity(steps * actionSize)
        means.reserveCapacity(steps * actionSize)
        logStds.reserveCapacity(steps * actionSize)
        rewards.reserveCapacity(steps)
    }

    /// Undiscounted return of each path.
    public var returns: [Double] {
        var start = 0
        return lengths.map { length in
            defer { start += length }
            return rewards[start..<(start + length)].reduce(0, +)
        }
    }
}

/// Per-row distributions of the acting policy: fills means and logStds (rows × actionSize) for observations
/// (rows × observationSize). Row r belongs to task ⌊r · tasks / rows⌋.
public typealias RowDistributions = (
    _ observations: UnsafeBufferPointer<Double>,
    _ means: UnsafeMutableBufferPointer<Double>,
    _ logStds: UnsafeMutableBufferPointer<Double>
) -> Void

/// Imagined rollouts through the dynamics ensemble (docs/algorithm.md §1.4): many rows stepped in one batch.
///
/// Rows are grouped contiguously by task (task i owns rows [i·P/M, (i+1)·P/M)). Every row starts from a fresh
/// reset of the real environment; each step samples actions from the policy, predicts next observations with the
/// ensemble (`propagation`), optionally clips them, and scores them with the environment's model reward and done
/// functions on the raw actions. A row whose path ends (done, or `horizon` steps) records the path into its task
/// and restarts from a fresh reset. Sampling stops once the completed paths hold at least `targetSteps` steps;
/// unfinished paths are dropped. All buffers are allocated once.
public final class ImaginedSampler {
    public let rows: Int
    public let tasks: Int
    public let horizon: Int
    public let propagation: DynamicsEnsemble.Propagation
    /// Predicted observations are clipped elementwise to ±clip (MB-MPO: 1000), or not at all (nil).
    public let clip: Double?
    let ensemble: DynamicsEnsemble
    let environment: any Environment
    let workspace: EnsembleWorkspace<Double>
    let (obsSize, actSize): (Int, Int)
    // (rows × …) step buffers
    var observations: [Double], next: [Double], actions: [Double], means: [Double], logStds: [Double]
    var rewards: [Double], dones: [Bool], stepCounts: [Int]
    // running paths, flat: step t of row r at slot r·horizon + t (× the field's width)
    var pathObservations: [Double], pathActions: [Double], pathMeans: [Double], pathLogStds: [Double]
    var pathRewards: [Double]

    /// - Parameters: rows must be divisible by `tasks` (and, for block propagation, by the ensemble size).
    public init(
        ensemble: DynamicsEnsemble, environment: any Environment, rows: Int, tasks: Int, horizon: Int,
        propagation: DynamicsEnsemble.Propagation, clip: Double?
    ) {
        precondition(rows % tasks == 0, "\(rows) imagined rows cannot be split into \(tasks) tasks")
        if propagation == .blocks {
            precondition(
                rows % ensemble.memberCount == 0,
                "\(rows) imagined rows cannot be split into \(ensemble.memberCount) member blocks")
        }
        (self.rows, self.tasks, self.horizon, self.propagation, self.clip) = (rows, tasks, horizon, propagation, clip)
        self.ensemble = ensemble
        self.environment = environment
        (obsSize, actSize) = (environment.spec.observationSize, environment.spec.actionSize)
        workspace = EnsembleWorkspace(ensemble: ensemble, capacity: rows)
        observations = [Double](repeating: 0, count: rows * obsSize)
        next = observations
        actions = [Double](repeating: 0, count: rows * actSize)
        means = actions
        logStds = actions
        rewards = [Double](repeating: 0, count: rows)
        dones = [Bool](repeating: false, count: rows)
        stepCounts = [Int](repeating: 0, count: rows)
        pathObservations = [Double](repeating: 0, count: rows * horizon * obsSize)
        pathActions = [Double](repeating: 0, count: rows * horizon * actSize)
        pathMeans = pathActions
        pathLogStds = pathActions
        pathRewards = [Double](repeating: 0, count: rows * horizon)
    }

    /// The task that row `row` belongs to.
    public func task(ofRow row: Int) -> Int { row * tasks / rows }

    /// Runs the rows until the completed paths hold ≥ `targetSteps` steps; returns each task's completed paths.
    public func sample(targetSteps: Int, policy: RowDistributions, using rng: inout SplitMix64) -> [TaskPaths] {
        for r in 0..<rows { restart(row: r, using: &rng) }
        var completed = [TaskPaths](repeating: TaskPaths(), count: tasks)
        let expectedSteps = targetSteps / tasks + rows / tasks * horizon
        for i in 0..<tasks {
            completed[i].reserveCapacity(steps: expectedSteps, observationSize: obsSize, actionSize: actSize)
        }
        var completedSteps = 0
        while completedSteps < targetSteps {
            act(policy: policy, using: &rng)
            predict(using: &rng)
            score()
            recordSteps()
            for r in 0..<rows {
                stepCounts[r] += 1
                if dones[r] || stepCounts[r] >= horizon {
                    completedSteps += stepCounts[r]
                    finishPath(row: r, into: &completed[task(ofRow: r)])
                    restart(row: r, using: &rng)
                } else {
                    for j in 0..<obsSize { observations[r * obsSize + j] = next[r * obsSize + j] }
                }
            }
        }
        return completed
    }

    /// actions = means + exp(logStds) ⊙ ε, drawn row by row.
    private func act(policy: RowDistributions, using rng: inout SplitMix64) {
        observations.withUnsafeBufferPointer { o in
            means.withUnsafeMutableBufferPointer { m in
                logStds.withUnsafeMutableBufferPointer { l in policy(o, m, l) }
            }
        }
        for i in 0..<(rows * actSize) {
            actions[i] = means[i] + exp(logStds[i]) * rng.nextGaussian()
        }
    }

    private func predict(using rng: inout SplitMix64) {
        observations.withUnsafeBufferPointer { o in
            actions.withUnsafeBufferPointer { a in
                next.withUnsafeMutableBufferPointer { n in
                    ensemble.predict(
                        observations: o.baseAddress!, actions: a.baseAddress!, rows: rows,
                        into: n.baseAddress!, propagation: propagation, workspace: workspace,
                        using: &rng)
                }
            }
        }
        if let clip {
            for i in 0..<next.count { next[i] = min(max(next[i], -clip), clip) }
        }
    }

    private func score() {
        observations.withUnsafeBufferPointer { o in
            actions.withUnsafeBufferPointer { a in
                next.withUnsafeBufferPointer { n in
                    rewards.withUnsafeMutableBufferPointer { r in
                        environment.modelRewards(observations: o, actions: a, nextObservations: n, into: r)
                    }
                    dones.withUnsafeMutableBufferPointer { d in environment.modelDones(nextObservations: n, into: d) }
                }
            }
        }
    }

    /// Writes every row's current step into its running path.
    private func recordSteps() {
        record(observations, width: obsSize, into: &pathObservations)
        record(actions, width: actSize, into: &pathActions)
        record(means, width: actSize, into: &pathMeans)
        record(logStds, width: actSize, into: &pathLogStds)
        record(rewards, width: 1, into: &pathRewards)
    }

    /// Copies each row's `width` values of `source` (rows × width) to its running path's current step in `path`.
    private func record(_ source: [Double], width: Int, into path: inout [Double]) {
        let horizon = horizon
        source.withUnsafeBufferPointer { s in
            stepCounts.withUnsafeBufferPointer { steps in
                path.withUnsafeMutableBufferPointer { p in
                    for r in 0..<rows {
                        let at = (r * horizon + steps[r]) * width
                        for j in 0..<width { p[at + j] = s[r * width + j] }
                    }
                }
            }
        }
    }

    /// Appends row r's running path (its `stepCounts[r]` steps) to `task`.
    private func finishPath(row r: Int, into task: inout TaskPaths) {
        let (start, length) = (r * horizon, stepCounts[r])
        func take(_ path: [Double], width: Int, into target: inout [Double]) {
            path.withUnsafeBufferPointer { p in
                let steps = (start * width)..<((start + length) * width)
                target.append(contentsOf: UnsafeBufferPointer(rebasing: p[steps]))
            }
        }
        take(pathObservations, width: obsSize, into: &task.observations)
        take(pathActions, width: actSize, into: &task.actions)
        take(pathMeans, width: actSize, into: &task.means)
        take(pathLogStds, width: actSize, into: &task.logStds)
        take(pathRewards, width: 1, into: &task.rewards)
        task.lengths.append(length)
    }

    /// Starts row r from a fresh reset of the real environment; its running path starts again at its first slot.
    private func restart(row r: Int, using rng: inout SplitMix64) {
        let start = environment.reset(using: &rng)
        for j in 0..<obsSize { observations[r * obsSize + j] = start[j] }
        stepCounts[r] = 0
    }
}
