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
/// reset of the real environment, or with ``ImaginedStart/real`` from a real observation drawn uniformly from the
/// ensemble's transition buffer (one random draw); each step samples actions from the policy, predicts next
/// observations with the ensemble (`propagation`), optionally clips them, and scores them with the environment's
/// model reward and done functions on the raw actions. A row whose path ends (done, or `horizon` steps) records the path into its task
/// and starts again the same way. Sampling stops once the completed paths hold at least `targetSteps` steps;
/// unfinished paths are dropped. All buffers are allocated once.
public final class ImaginedSampler {
    public let rows: Int
    public let tasks: Int
    public let horizon: Int
    public let propagation: DynamicsEnsemble.Propagation
    /// Predicted observations are clipped elementwise to ±clip (MB-MPO: 1000), or not at all (nil).
    public let clip: Double?
    /// Where rows start.
    public let start: ImaginedStart
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
    /// The processes the rows are split over (``split(over:)``); ``SingleProcess`` until then.
    public private(set) var communicator: any Communicator = SingleProcess.shared
    /// The tasks, and their rows, this process owns: it returns their paths (all of them unless split).
    public private(set) var ownedTasks: Range<Int>
    public private(set) var ownedRows: Range<Int>
    /// The tasks, and their rows, this process imagines: its own, and the neighbouring tasks whose rows share a
    /// prediction chunk with its own (their rollouts computed again here, so that every chunk has the rows it has in
    /// one process); all of them unless split.
    public private(set) var imaginedTasks: Range<Int>
    public private(set) var imaginedRows: Range<Int>
    /// Random draws one reset of the environment takes (measured by ``split(over:)``).
    var drawsPerReset: UInt64 = 0
    /// Whether the rows are split over processes.
    public var isSplit: Bool { communicator.size > 1 }

    /// - Parameters: rows must be divisible by `tasks` (and, for block propagation, by the ensemble size).
    public init(
        ensemble: DynamicsEnsemble, environment: any Environment, rows: Int, tasks: Int, horizon: Int,
        propagation: DynamicsEnsemble.Propagation, clip: Double?, start: ImaginedStart = .reset
    ) {
        precondition(rows % tasks == 0, "\(rows) imagined rows cannot be split into \(tasks) tasks")
        if propagation == .blocks {
            precondition(
                rows % ensemble.memberCount == 0,
                "\(rows) imagined rows cannot be split into \(ensemble.memberCount) member blocks")
        }
        precondition(
            ensemble.observationSize == environment.spec.observationSize
                && ensemble.actionSize == environment.spec.actionSize,
            "the ensemble's sizes (\(ensemble.observationSize), \(ensemble.actionSize)) are not the environment's")
        (self.rows, self.tasks, self.horizon, self.propagation, self.clip) = (rows, tasks, horizon, propagation, clip)
        self.start = start
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
        (ownedTasks, ownedRows) = (0..<tasks, 0..<rows)
        (imaginedTasks, imaginedRows) = (ownedTasks, ownedRows)
    }

    /// Splits the rows over `communicator`'s processes by task (contiguous task ranges, as the meta-objective
    /// splits them) where ``imaginedTaskRanges(over:)`` allows it. A process imagines its own tasks and, where a
    /// prediction chunk holds rows of its own and of a neighbour's tasks, those neighbouring tasks too
    /// (``imaginedTasks``). Returns whether it split; otherwise every process imagines every row (an earlier split
    /// is undone).
    @discardableResult
    public func split(over communicator: any Communicator) -> Bool {
        guard let draws = splitDraws(over: communicator) else {
            // one process's rows again, so that an earlier split's group is not waited on any more
            self.communicator = SingleProcess.shared
            (ownedTasks, ownedRows) = (0..<tasks, 0..<rows)
            (imaginedTasks, imaginedRows) = (ownedTasks, ownedRows)
            return false
        }
        let ranges = closedTaskRanges(over: communicator)
        drawsPerReset = draws
        self.communicator = communicator
        let perTask = rows / tasks
        ownedTasks = communicator.ownedUnits(of: tasks)
        ownedRows = (ownedTasks.lowerBound * perTask)..<(ownedTasks.upperBound * perTask)
        imaginedTasks = ranges[communicator.rank]
        imaginedRows = (imaginedTasks.lowerBound * perTask)..<(imaginedTasks.upperBound * perTask)
        return true
    }

    /// The tasks each of `communicator`'s processes would imagine once split (by rank), or nil where the rows cannot
    /// be split with every row's bits of one process: one process, propagation other than blocks, or resets that
    /// take varying numbers of random draws. Each range is the process's own tasks grown to whole prediction chunks
    /// of the batch (``chunkClosure(of:rowsPerTask:boundaries:)``), so every chunk it predicts is one of the whole
    /// batch's. Changes nothing.
    public func imaginedTaskRanges(over communicator: any Communicator) -> [Range<Int>]? {
        splitDraws(over: communicator) == nil ? nil : closedTaskRanges(over: communicator)
    }

    /// The random draws a reset takes where the rows can be split over `communicator` with every row's bits of one
    /// process (several processes, block propagation, resets of fixed draws), else nil.
    private func splitDraws(over communicator: any Communicator) -> UInt64? {
        communicator.size > 1 && propagation == .blocks ? fixedDrawsPerReset() : nil
    }

    /// Every process's own tasks grown to whole prediction chunks, by rank.
    private func closedTaskRanges(over communicator: any Communicator) -> [Range<Int>] {
        let boundaries = ensemble.chunkBoundaries(total: rows)
        return (0..<communicator.size).map {
            Self.chunkClosure(
                of: communicator.ownedUnits(of: tasks, rank: $0), rowsPerTask: rows / tasks, boundaries: boundaries)
        }
    }

    /// The random draws a start takes, measured twice from different states, or nil where they differ (the split
    /// skips other processes' starts by them; a real start takes one draw whatever the buffer holds).
    private func fixedDrawsPerReset() -> UInt64? {
        var draws: [UInt64] = []
        for seed: UInt64 in [1, 2] {
            var probe = SplitMix64(seed: seed)
            let before = probe
            if start == .reset { _ = environment.reset(using: &probe) } else { _ = probe.nextUniform() }
            draws.append(probe.draws(since: before))
        }
        return draws[0] == draws[1] ? draws[0] : nil
    }

    /// The smallest task range around `tasks` whose rows start and end at prediction-chunk `boundaries` (ascending,
    /// 0 and the row count included); an empty range stays empty.
    public static func chunkClosure(of tasks: Range<Int>, rowsPerTask: Int, boundaries: [Int]) -> Range<Int> {
        guard !tasks.isEmpty else { return tasks }
        var range = tasks
        while true {
            let lower = boundaries.last { $0 <= range.lowerBound * rowsPerTask }!
            let upper = boundaries.first { $0 >= range.upperBound * rowsPerTask }!
            let closed = (lower / rowsPerTask)..<((upper + rowsPerTask - 1) / rowsPerTask)
            if closed == range { return range }
            range = closed
        }
    }

    /// The task that row `row` belongs to.
    public func task(ofRow row: Int) -> Int { row * tasks / rows }

    /// Runs the rows until the completed paths hold ≥ `targetSteps` steps; returns each task's completed paths.
    /// Split over processes, `policy` is called for ``imaginedRows`` only, the paths returned are ``ownedTasks``'
    /// (the other tasks' are empty), and `rng` ends where one process leaves it.
    public func sample(targetSteps: Int, policy: RowDistributions, using rng: inout SplitMix64) -> [TaskPaths] {
        if isSplit { return sampleImaginedRows(targetSteps: targetSteps, policy: policy, using: &rng) }
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

    /// ``sample(targetSteps:policy:using:)`` for ``imaginedRows``: the same steps as one process for those rows,
    /// the other processes' random draws skipped (actions, prediction noise and resets take fixed numbers of draws
    /// per row), and after every step the processes share how many of their own rows finished and with how many
    /// steps, so that all skip the same resets and stop at the same step. Paths of rows imagined but not owned are
    /// not kept.
    private func sampleImaginedRows(
        targetSteps: Int, policy: RowDistributions, using rng: inout SplitMix64
    ) -> [TaskPaths] {
        let (first, end) = (imaginedRows.lowerBound, imaginedRows.upperBound)
        let (before, after) = (UInt64(first), UInt64(rows - end))
        rng.skip(before * drawsPerReset)
        for r in imaginedRows { restart(row: r, using: &rng) }
        rng.skip(after * drawsPerReset)
        var completed = [TaskPaths](repeating: TaskPaths(), count: tasks)
        let expectedSteps = targetSteps / tasks + rows / tasks * horizon
        for i in ownedTasks {
            completed[i].reserveCapacity(steps: expectedSteps, observationSize: obsSize, actionSize: actSize)
        }
        let actionDraws = UInt64(actSize) * SplitMix64.drawsPerGaussian, noiseDraws = ensemble.noiseDrawsPerRow
        var completedSteps = 0
        while completedSteps < targetSteps {
            rng.skip(before * actionDraws)
            act(policy: policy, rows: imaginedRows, using: &rng)
            rng.skip(after * actionDraws)
            rng.skip(before * noiseDraws)
            predictImaginedRows(using: &rng)
            rng.skip(after * noiseDraws)
            score(rows: imaginedRows)
            recordSteps(rows: imaginedRows)
            var finished: [Int] = []
            var (ownFinished, ownSteps, finishedBelow, finishedAbove) = (0, 0, 0, 0)
            for r in imaginedRows {
                stepCounts[r] += 1
                if dones[r] || stepCounts[r] >= horizon {
                    finished.append(r)
                    if r < ownedRows.lowerBound {
                        finishedBelow += 1
                    } else if r >= ownedRows.upperBound {
                        finishedAbove += 1
                    } else {
                        (ownFinished, ownSteps) = (ownFinished + 1, ownSteps + stepCounts[r])
                    }
                } else {
                    for j in 0..<obsSize { observations[r * obsSize + j] = next[r * obsSize + j] }
                }
            }
            // the processes before this one own the rows below its own, those after it the rows above
            let counts = communicator.allGather([Double(ownFinished), Double(ownSteps)])
            let resetsBefore = counts[..<communicator.rank].reduce(0) { $0 + Int($1[0]) } - finishedBelow
            let resetsAfter = counts[(communicator.rank + 1)...].reduce(0) { $0 + Int($1[0]) } - finishedAbove
            precondition(resetsBefore >= 0 && resetsAfter >= 0, "the processes disagree on finished imagined rows")
            completedSteps += counts.reduce(0) { $0 + Int($1[1]) }
            rng.skip(UInt64(resetsBefore) * drawsPerReset)
            for r in finished {
                if ownedRows.contains(r) { finishPath(row: r, into: &completed[task(ofRow: r)]) }
                restart(row: r, using: &rng)
            }
            rng.skip(UInt64(resetsAfter) * drawsPerReset)
        }
        return completed
    }

    /// Next observations of ``imaginedRows``, predicted as in the whole batch.
    private func predictImaginedRows(using rng: inout SplitMix64) {
        let (first, count) = (imaginedRows.lowerBound, imaginedRows.count)
        guard count > 0 else { return }
        observations.withUnsafeBufferPointer { o in
            actions.withUnsafeBufferPointer { a in
                next.withUnsafeMutableBufferPointer { n in
                    ensemble.predict(
                        observations: o.baseAddress! + first * obsSize, actions: a.baseAddress! + first * actSize,
                        rows: count, into: n.baseAddress! + first * obsSize,
                        propagation: .blockRange(first: first, total: rows), workspace: workspace, using: &rng)
                }
            }
        }
        if let clip {
            for i in (first * obsSize)..<(imaginedRows.upperBound * obsSize) {
                next[i] = min(max(next[i], -clip), clip)
            }
        }
    }

    /// The entries of `range`'s rows in the observation-wide and action-wide buffers.
    private func entries(of range: Range<Int>) -> (observations: Range<Int>, actions: Range<Int>) {
        (
            (range.lowerBound * obsSize)..<(range.upperBound * obsSize),
            (range.lowerBound * actSize)..<(range.upperBound * actSize)
        )
    }

    /// actions = means + exp(logStds) ⊙ ε, drawn row by row.
    private func act(policy: RowDistributions, rows range: Range<Int>? = nil, using rng: inout SplitMix64) {
        let range = range ?? 0..<rows
        guard !range.isEmpty else { return }
        let (o, a) = entries(of: range)
        observations.withUnsafeBufferPointer { ob in
            means.withUnsafeMutableBufferPointer { m in
                logStds.withUnsafeMutableBufferPointer { l in
                    policy(
                        UnsafeBufferPointer(rebasing: ob[o]), UnsafeMutableBufferPointer(rebasing: m[a]),
                        UnsafeMutableBufferPointer(rebasing: l[a]))
                }
            }
        }
        for i in a {
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

    private func score(rows range: Range<Int>? = nil) {
        let range = range ?? 0..<rows
        guard !range.isEmpty else { return }
        let (o, a) = entries(of: range)
        observations.withUnsafeBufferPointer { ob in
            actions.withUnsafeBufferPointer { ab in
                next.withUnsafeBufferPointer { nb in
                    let (o, a, n) = (
                        UnsafeBufferPointer(rebasing: ob[o]), UnsafeBufferPointer(rebasing: ab[a]),
                        UnsafeBufferPointer(rebasing: nb[o])
                    )
                    rewards.withUnsafeMutableBufferPointer { r in
                        environment.modelRewards(
                            observations: o, actions: a, nextObservations: n,
                            into: UnsafeMutableBufferPointer(rebasing: r[range]))
                    }
                    dones.withUnsafeMutableBufferPointer { d in
                        environment.modelDones(
                            nextObservations: n, into: UnsafeMutableBufferPointer(rebasing: d[range]))
                    }
                }
            }
        }
    }

    /// Writes every row's current step into its running path.
    private func recordSteps(rows range: Range<Int>? = nil) {
        let range = range ?? 0..<rows
        record(observations, width: obsSize, rows: range, into: &pathObservations)
        record(actions, width: actSize, rows: range, into: &pathActions)
        record(means, width: actSize, rows: range, into: &pathMeans)
        record(logStds, width: actSize, rows: range, into: &pathLogStds)
        record(rewards, width: 1, rows: range, into: &pathRewards)
    }

    /// Copies each row's `width` values of `source` (rows × width) to its running path's current step in `path`.
    private func record(_ source: [Double], width: Int, rows range: Range<Int>, into path: inout [Double]) {
        let horizon = horizon
        source.withUnsafeBufferPointer { s in
            stepCounts.withUnsafeBufferPointer { steps in
                path.withUnsafeMutableBufferPointer { p in
                    for r in range {
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

    /// Starts row r from a fresh reset of the real environment, or a real observation of the buffer (``start``); its
    /// running path starts again at its first slot.
    private func restart(row r: Int, using rng: inout SplitMix64) {
        let before = rng
        switch start {
        case .reset:
            let state = environment.reset(using: &rng)
            for j in 0..<obsSize { observations[r * obsSize + j] = state[j] }
        case .real:
            let buffer = ensemble.buffer
            precondition(buffer.count > 0, "imagined rollouts from real states need real transitions first")
            // one draw (the split skips starts by their draws), index ⌊u·count⌋
            let index = min(Int(rng.nextUniform() * Double(buffer.count)), buffer.count - 1)
            for j in 0..<obsSize { observations[r * obsSize + j] = Double(buffer.observations[index * obsSize + j]) }
        }
        // split over processes, the others skip this start by its draws: they must be the measured count
        precondition(
            !isSplit || rng.draws(since: before) == drawsPerReset,
            "a reset took \(rng.draws(since: before)) random draws, not \(drawsPerReset): this environment cannot "
                + "have its imagined rollouts split over processes")
        stepCounts[r] = 0
    }
}
