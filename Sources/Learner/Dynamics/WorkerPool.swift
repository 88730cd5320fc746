import Dispatch

/// Runs a fixed list of work units on `threads` workers, each BLAS call single-threaded.
///
/// The units and what each computes never depend on the worker count, and every unit writes only its own outputs,
/// so results are bit-identical for any `threads`. Unit u runs on worker u mod threads, in increasing u.
enum WorkerPool {
    /// Calls `body(unit, worker)` for every unit in 0..<units.
    static func run(units: Int, threads: Int, _ body: (_ unit: Int, _ worker: Int) -> Void) {
        let workers = max(1, min(threads, units))
        let blasThreads = BLAS.threads
        if blasThreads != 1 { BLAS.setThreads(1) }
        defer { if blasThreads != 1 { BLAS.setThreads(blasThreads) } }
        if workers == 1 {
            for u in 0..<units { body(u, 0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var u = worker
            while u < units {
                body(u, worker)
                u += workers
            }
        }
    }
}
