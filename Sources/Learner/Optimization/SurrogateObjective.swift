import Core

/// One term of the objective: an optional inner loss (meta-learning) and the post-update losses.
final class SurrogateTask {
    let inner: InnerLoss?
    let post: PostUpdateLoss
    /// w_i: 1/M for meta tasks, N_i/N for the row chunks of a plain TRPO batch.
    let weight: Double
    let thetaPrime: PolicyStorage, result: PolicyStorage, secondResult: PolicyStorage
    var surrogate = 0.0, klSum = 0.0

    init(inner: InnerLoss?, post: PostUpdateLoss, weight: Double, parameterCount: Int) {
        self.inner = inner
        self.post = post
        self.weight = weight
        thetaPrime = PolicyStorage(parameterCount)
        result = PolicyStorage(parameterCount)
        secondResult = PolicyStorage(parameterCount)
    }
}

/// The TRPO objective of a meta-step (docs/algorithm.md §4.1) or of a plain policy step (docs/algorithm.md §6), as
/// functions of θ.
///
/// Meta form: θ'_i(θ) = θ − α ∇L_inner,i(θ) on task i's pre-update data; surrogate(θ) = Σ_i (1/M) L_outer,i(θ'_i(θ));
/// KL̄(θ) = (1/N1) Σ_i klSum_i(θ'_i(θ)), N1 = all post-update rows pooled. The gradient is full second order:
/// ∇surrogate = Σ_i w_i J_iᵀ ∇_θ' L_outer,i with J_i = I − α ∇²L_inner,i(θ) (symmetric). The constraint's Hessian
/// product is (1/N1) Σ_i J_iᵀ F_i J_i v, with exact Hessian-vector products (R-operator) throughout.
/// Plain form: θ' = θ (J = I), one policy, rows split into fixed chunks so that the work parallelises.
///
/// Tasks run on `threads` workers with a fixed partition and are reduced in task order, so every result is
/// bit-identical for any thread count. Split over processes (`communicator`), each computes its own tasks, every
/// process receives the others' per-task results before each reduction and reduces all of them in the same task
/// order: the same bits for any number of processes. Not thread-safe itself: one call at a time.
public final class SurrogateObjective {
    /// Policy shapes.
    public let layout: PolicyLayout
    /// Inner step size α (0 for the plain form).
    public let innerStepSize: Double
    /// Worker threads.
    public let threads: Int
    /// Arithmetic of the KL-Hessian products (``klHessianProduct(_:)``).
    public let precision: CurvaturePrecision
    /// N1: number of post-update rows over all tasks.
    public private(set) var postSampleCount: Int
    /// The processes the tasks are split over: this one computes ``ownedTasks`` and receives the other tasks'
    /// partial results before every reduction (``SingleProcess``: all tasks here).
    public let communicator: any Communicator
    /// The tasks this process computes: a contiguous range of all of them (``UnitPartition``).
    public let ownedTasks: Range<Int>
    let tasks: [SurrogateTask]
    let scratch: [PolicyScratch]
    var linearized = false

    /// The meta objective over `tasks` with inner step size α (0.001 in the paper); KL-Hessian products in
    /// `precision`.
    /// The tasks' samples are needed for ``ownedTasks`` only (the others may be empty).
    public init(
        layout: PolicyLayout, tasks: [MetaTaskSamples], innerStepSize: Double, threads: Int = 1,
        blockRows: Int = 512, precision: CurvaturePrecision = .float64,
        communicator: any Communicator = SingleProcess.shared
    ) {
        precondition(!tasks.isEmpty, "the meta objective needs at least one task")
        self.layout = layout
        self.innerStepSize = innerStepSize
        self.threads = max(1, threads)
        self.precision = precision
        self.communicator = communicator
        ownedTasks = communicator.ownedUnits(of: tasks.count)
        postSampleCount = 0
        let empty = PolicySamples(
            observationSize: layout.observationSize, actionSize: layout.actionSize,
            observations: [], actions: [], advantages: [])
        self.tasks = tasks.map { _ in
            SurrogateTask(
                inner: InnerLoss(layout: layout, samples: empty, blockRows: blockRows, precision: precision),
                post: PostUpdateLoss(
                    layout: layout, samples: empty, blockRows: blockRows,
                    precision: precision),
                weight: 1 / Double(tasks.count), parameterCount: layout.parameterCount)
        }
        scratch = (0..<self.threads).map { _ in PolicyScratch(layout: layout, blockRows: blockRows) }
        update(tasks: tasks)
    }

    /// Loads a new meta-batch of the same size, reusing every buffer (the next meta-step of the training loop).
    public func update(tasks newTasks: [MetaTaskSamples]) {
        precondition(
            newTasks.count == tasks.count && tasks.first?.inner != nil,
            "update needs a meta objective and \(tasks.count) tasks, got \(newTasks.count)")
        forEachOwnedTask { i, _ in
            tasks[i].inner?.reload(newTasks[i].pre)
            tasks[i].post.reload(newTasks[i].post)
        }
        let counts = communicator.gatherUnits(
            ownedTasks.map { Double(newTasks[$0].post.count) }, width: 1, units: tasks.count)
        postSampleCount = counts.reduce(0) { $0 + Int($1) }
        linearized = false
    }

    /// The plain TRPO objective of one policy on `samples` (no inner step); rows are cut into chunks of `chunkRows`;
    /// Fisher products in `precision`.
    public init(
        layout: PolicyLayout, samples: PolicySamples, threads: Int = 1, chunkRows: Int = 4096,
        blockRows: Int = 512, precision: CurvaturePrecision = .float64
    ) {
        precondition(samples.count > 0, "the TRPO objective needs samples")
        self.layout = layout
        innerStepSize = 0
        self.threads = max(1, threads)
        self.precision = precision
        communicator = SingleProcess.shared
        postSampleCount = samples.count
        let n = samples.count
        tasks = stride(from: 0, to: n, by: chunkRows).map { start in
            let chunk = samples.rows(start..<min(n, start + chunkRows))
            let post = PostUpdateLoss(layout: layout, samples: chunk, blockRows: blockRows, precision: precision)
            return SurrogateTask(
                inner: nil, post: post,
                weight: Double(chunk.count) / Double(n), parameterCount: layout.parameterCount)
        }
        scratch = (0..<self.threads).map { _ in PolicyScratch(layout: layout, blockRows: blockRows) }
        ownedTasks = 0..<tasks.count
    }

    /// Runs `body(task, worker)` for every task this process owns, on the fixed contiguous partition.
    private func forEachOwnedTask(_ body: (_ task: Int, _ worker: Int) -> Void) {
        let first = ownedTasks.lowerBound
        WorkerPool.shared.runSingleThreadedBLAS(units: ownedTasks.count, threads: threads, partition: .contiguous) {
            i, w in body(first + i, w)
        }
    }

    /// What a task's record holds when the tasks are shared between processes.
    private enum Part { case scalars, result, secondResult, thetaPrime }

    /// Gives every task the `parts` the other processes computed for it (nothing to do for one process).
    private func share(_ parts: [Part]) {
        guard communicator.size > 1 else { return }
        let p = layout.parameterCount
        let width = parts.reduce(0) { $0 + ($1 == .scalars ? 2 : p) }
        var own: [Double] = []
        own.reserveCapacity(ownedTasks.count * width)
        for i in ownedTasks {
            let task = tasks[i]
            for part in parts {
                switch part {
                case .scalars: own += [task.surrogate, task.klSum]
                case .result: own += UnsafeBufferPointer(start: task.result.base, count: p)
                case .secondResult: own += UnsafeBufferPointer(start: task.secondResult.base, count: p)
                case .thetaPrime: own += UnsafeBufferPointer(start: task.thetaPrime.base, count: p)
                }
            }
        }
        let all = communicator.gatherUnits(own, width: width, units: tasks.count)
        for (i, task) in tasks.enumerated() where !ownedTasks.contains(i) {
            var at = i * width
            for part in parts {
                switch part {
                case .scalars:
                    (task.surrogate, task.klSum) = (all[at], all[at + 1])
                    at += 2
                    continue
                case .result: for k in 0..<p { task.result.base[k] = all[at + k] }
                case .secondResult: for k in 0..<p { task.secondResult.base[k] = all[at + k] }
                case .thetaPrime: for k in 0..<p { task.thetaPrime.base[k] = all[at + k] }
                }
                at += p
            }
        }
    }

    /// θ'_i = θ − α ∇L_inner,i(θ) into task.thetaPrime (θ itself without an inner loss).
    private func adapt(
        _ task: SurrogateTask, _ theta: UnsafePointer<Double>, _ work: PolicyScratch,
        keepCaches: Bool = true
    ) {
        let count = layout.parameterCount, out = task.thetaPrime.base
        guard let inner = task.inner else {
            out.update(from: theta, count: count)
            return
        }
        let g = work.vectorA.base
        inner.linearize(theta: theta, gradient: g, scratch: work, keepCaches: keepCaches)
        for k in 0..<count { out[k] = theta[k] - innerStepSize * g[k] }
    }

    /// out = J_iᵀ u = J_i u = u − α ∇²L_inner,i u (in place allowed: `u` may equal `out`).
    private func applyJacobian(
        _ task: SurrogateTask, _ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
        _ work: PolicyScratch
    ) {
        let count = layout.parameterCount
        guard let inner = task.inner else {
            if UnsafePointer(out) != u { out.update(from: u, count: count) }
            return
        }
        let h = work.vectorA.base
        inner.hessianProduct(u, into: h)
        for k in 0..<count { out[k] = u[k] - innerStepSize * h[k] }
    }

    private func withTheta<R>(_ theta: [Double], _ body: (UnsafePointer<Double>) -> R) -> R {
        precondition(
            theta.count == layout.parameterCount,
            "expected \(layout.parameterCount) parameters, got \(theta.count)")
        return theta.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Σ_i scale_i · buffer_i in task order.
    private func reduce(_ buffer: (SurrogateTask) -> PolicyStorage, scale: (SurrogateTask) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        for task in tasks {
            let b = buffer(task).base, s = scale(task)
            for k in 0..<out.count { out[k] += s * b[k] }
        }
        return out
    }

    private var meanKL: Double { tasks.reduce(0) { $0 + $1.klSum } / Double(max(postSampleCount, 1)) }
    private var weightedSurrogate: Double { tasks.reduce(0) { $0 + $1.weight * $1.surrogate } }

    /// The adapted parameters θ'_i(θ) of every task.
    public func adaptedParameters(at theta: [Double]) -> [[Double]] {
        linearized = false
        withTheta(theta) { p in forEachOwnedTask { i, w in adapt(tasks[i], p, scratch[w]) } }
        share([.thetaPrime])
        return tasks.map { Array(UnsafeBufferPointer(start: $0.thetaPrime.base, count: layout.parameterCount)) }
    }

    /// Surrogate and mean KL at θ, with every θ'_i recomputed from θ on the fixed pre-update data.
    public func evaluate(at theta: [Double]) -> (surrogate: Double, kl: Double) {
        linearized = false
        withTheta(theta) { p in
            forEachOwnedTask { i, w in
                let task = tasks[i]
                adapt(task, p, scratch[w], keepCaches: false)
                (task.surrogate, task.klSum) = task.post.evaluate(
                    theta: task.thetaPrime.base, surrogateGradient: nil,
                    klGradient: nil, scratch: scratch[w], keepCaches: false)
            }
        }
        share([.scalars])
        return (weightedSurrogate, meanKL)
    }

    /// Surrogate, mean KL and the full second-order surrogate gradient at θ; sets the point for
    /// ``klHessianProduct(_:)``.
    public func linearize(at theta: [Double]) -> (surrogate: Double, kl: Double, gradient: [Double]) {
        withTheta(theta) { p in
            forEachOwnedTask { i, w in
                let task = tasks[i], work = scratch[w]
                adapt(task, p, work)
                (task.surrogate, task.klSum) = task.post.evaluate(
                    theta: task.thetaPrime.base,
                    surrogateGradient: task.result.base,
                    klGradient: nil, scratch: work)
                applyJacobian(task, task.result.base, into: task.result.base, work)
            }
        }
        share([.scalars, .result])
        linearized = true
        return (weightedSurrogate, meanKL, reduce({ $0.result }, scale: { $0.weight }))
    }

    /// Surrogate and KL gradients at θ, both through the inner step (for checks; the TRPO step needs only
    /// ``linearize(at:)``).
    public func gradients(at theta: [Double]) -> (surrogate: [Double], kl: [Double]) {
        withTheta(theta) { p in
            forEachOwnedTask { i, w in
                let task = tasks[i], work = scratch[w]
                adapt(task, p, work)
                (task.surrogate, task.klSum) = task.post.evaluate(
                    theta: task.thetaPrime.base,
                    surrogateGradient: task.result.base,
                    klGradient: task.secondResult.base, scratch: work)
                applyJacobian(task, task.result.base, into: task.result.base, work)
                applyJacobian(task, task.secondResult.base, into: task.secondResult.base, work)
            }
        }
        share([.scalars, .result, .secondResult])
        linearized = true
        let n = Double(max(postSampleCount, 1))
        return (reduce({ $0.result }, scale: { $0.weight }), reduce({ $0.secondResult }, scale: { _ in 1 / n }))
    }

    /// (1/N1) Σ_i J_iᵀ F_i J_i v at the last ``linearize(at:)`` point: the exact Hessian of KL̄ there (no damping).
    public func klHessianProduct(_ v: [Double]) -> [Double] {
        precondition(linearized, "klHessianProduct needs a prior linearize(at:)")
        withTheta(v) { vp in
            forEachOwnedTask { i, w in
                let task = tasks[i], work = scratch[w]
                let jv = work.vectorB.base, f = task.result.base
                applyJacobian(task, vp, into: jv, work)
                task.post.fisherProduct(jv, into: f)
                applyJacobian(task, f, into: f, work)
            }
        }
        share([.result])
        let n = Double(max(postSampleCount, 1))
        return reduce({ $0.result }, scale: { _ in 1 / n })
    }
}
