import Core

/// The MAML inner adaptation step for a batch of tasks (docs/algorithm.md §3.2).
public enum InnerStep {
    /// θ'_i = θ − α ∇L_inner,i(θ) for every task's pre-update samples, L_inner,i = −mean_t(log π_θ(a_t|o_t) Â_t).
    ///
    /// Tasks run on `threads` workers with a fixed partition; the result does not depend on the thread count.
    /// - Returns: one adapted parameter vector per task, in task order.
    public static func adapt(
        parameters theta: [Double], tasks: [PolicySamples], layout: PolicyLayout,
        stepSize alpha: Double = 0.001, threads: Int = 1, blockRows: Int = 512
    ) -> [[Double]] {
        precondition(
            theta.count == layout.parameterCount,
            "expected \(layout.parameterCount) parameters, got \(theta.count)")
        let losses = tasks.map { InnerLoss(layout: layout, samples: $0, cachesForHessian: false, blockRows: blockRows) }
        let workers = max(1, threads)
        let scratch = (0..<workers).map { _ in PolicyScratch(layout: layout, blockRows: blockRows) }
        let outputs = (0..<tasks.count).map { _ in PolicyStorage(layout.parameterCount) }
        theta.withUnsafeBufferPointer { tb in
            let p = tb.baseAddress!
            WorkerPool.shared.runSingleThreadedBLAS(units: tasks.count, threads: workers, partition: .contiguous) {
                i, w in
                let g = scratch[w].vectorA.base, out = outputs[i].base
                losses[i].linearize(theta: p, gradient: g, scratch: scratch[w])
                for k in 0..<layout.parameterCount { out[k] = p[k] - alpha * g[k] }
            }
        }
        return outputs.map { Array(UnsafeBufferPointer(start: $0.base, count: layout.parameterCount)) }
    }
}
