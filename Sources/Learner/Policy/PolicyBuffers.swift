import Dispatch

/// A zero-initialized, manually managed block of doubles, freed with its owner.
final class PolicyStorage {
    let base: UnsafeMutablePointer<Double>
    let count: Int

    init(_ count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }
}

/// Per-layer activation buffers for `rows` rows: buffer l is (rows × widths[l + 1]) for the hidden layers.
final class LayerBuffers {
    let storage: [PolicyStorage]
    let widths: [Int]

    init(layout: PolicyLayout, rows: Int) {
        widths = Array(layout.widths[1..<(layout.widths.count - 1)])
        storage = widths.map { PolicyStorage(rows * $0) }
    }

    /// Pointers to row `row` of every buffer.
    func at(row: Int) -> [UnsafeMutablePointer<Double>] {
        (0..<widths.count).map { storage[$0].base + row * widths[$0] }
    }
}

/// Block-sized work buffers owned by one worker thread; every pass overwrites what it reads.
final class PolicyScratch {
    let blockRows: Int
    let hidden: LayerBuffers, rHidden: LayerBuffers, gz: LayerBuffers
    let mean: PolicyStorage, outputGradient: PolicyStorage, rMean: PolicyStorage, rOutputGradient: PolicyStorage
    let ping: PolicyStorage, pong: PolicyStorage
    let vectorA: PolicyStorage, vectorB: PolicyStorage, vectorC: PolicyStorage

    init(layout: PolicyLayout, blockRows: Int) {
        self.blockRows = blockRows
        hidden = LayerBuffers(layout: layout, rows: blockRows)
        rHidden = LayerBuffers(layout: layout, rows: blockRows)
        gz = LayerBuffers(layout: layout, rows: blockRows)
        let a = blockRows * layout.actionSize
        mean = PolicyStorage(a)
        outputGradient = PolicyStorage(a)
        rMean = PolicyStorage(a)
        rOutputGradient = PolicyStorage(a)
        ping = PolicyStorage(blockRows * layout.maxWidth)
        pong = PolicyStorage(blockRows * layout.maxWidth)
        vectorA = PolicyStorage(layout.parameterCount)
        vectorB = PolicyStorage(layout.parameterCount)
        vectorC = PolicyStorage(layout.parameterCount)
    }
}

/// Runs per-task work on a fixed partition of tasks over worker threads.
///
/// Worker w gets the contiguous tasks [w·count/threads, (w+1)·count/threads). Each task's arithmetic depends only
/// on its own data, so any reduction that the caller then does in task order gives bit-identical results for every
/// thread count. OpenBLAS runs single-threaded inside, so BLAS calls cannot split differently either.
enum TaskParallel {
    /// Calls `body(task, worker)` for every task in 0..<count.
    static func run(count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let workers = max(1, min(threads, count))
        BLAS.pinSingleThread()
        if workers == 1 {
            for task in 0..<count { body(task, 0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for task in (worker * count / workers)..<((worker + 1) * count / workers) { body(task, worker) }
        }
    }
}
