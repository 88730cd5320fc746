#if canImport(Glibc)
    import Glibc
#endif
#if os(Linux)
    import Synchronization
#endif

/// A job cut into numbered work units; `perform` is called once per unit, from any worker thread.
protocol ParallelWork: AnyObject {
    /// Runs unit `unit` on worker `worker` (0 is the calling thread).
    func perform(unit: Int, worker: Int)
}

/// Runs a fixed list of work units on `threads` workers, each BLAS call single-threaded.
///
/// The units and what each computes never depend on the worker count, and every unit writes only its own outputs,
/// so results are bit-identical for any `threads`. Unit u runs on worker u mod threads, in increasing u. The workers
/// are persistent threads woken per call, so a call allocates nothing.
enum WorkerPool {
    /// Calls `work.perform(unit:worker:)` for every unit in 0..<units; returns when all are done. Allocates nothing.
    static func run(units: Int, threads: Int, _ work: ParallelWork) {
        BLAS.pinSingleThread()
        let workers = max(1, min(threads, units, WorkerThreads.shared.count + 1))
        if workers == 1 {
            for u in 0..<units { work.perform(unit: u, worker: 0) }
            return
        }
        WorkerThreads.shared.run(units: units, workers: workers, work)
    }

    /// Calls `body(unit, worker)` for every unit in 0..<units (allocates a small box per call).
    static func run(units: Int, threads: Int, _ body: (_ unit: Int, _ worker: Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            run(units: units, threads: threads, ClosureWork(body))
        }
    }
}

/// ``ParallelWork`` from a closure.
private final class ClosureWork: ParallelWork {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
    func perform(unit: Int, worker: Int) { body(unit, worker) }
}

/// Persistent pool threads (one fewer than the online processors, at least one) that wait on a condition variable.
final class WorkerThreads: @unchecked Sendable {
    // @unchecked: every shared field is read and written under `mutex`; `busy` serializes concurrent callers.
    static let shared = WorkerThreads(count: max(1, _onlineProcessors() - 1))

    /// Number of pool threads (the calling thread works as worker 0).
    let count: Int
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let busy: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    private let finished: UnsafeMutablePointer<pthread_cond_t>
    private var generation = 0, pending = 0, units = 0, workers = 0
    private var job: ParallelWork?
    private let mirror = SpinMirror()

    private init(count: Int) {
        self.count = count
        (mutex, busy) = (.allocate(capacity: 1), .allocate(capacity: 1))
        (wake, finished) = (.allocate(capacity: 1), .allocate(capacity: 1))
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(busy, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(finished, nil)
        for index in 1...count {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                context.pool.serve(index: context.index)
                return nil
            }, context)
            pthread_detach(thread)
        }
    }

    /// Runs units u ≡ w (mod workers) on worker w; the caller is worker 0.
    func run(units: Int, workers: Int, _ work: ParallelWork) {
        pthread_mutex_lock(busy)
        defer { pthread_mutex_unlock(busy) }
        pthread_mutex_lock(mutex)
        (job, self.units, self.workers, pending) = (work, units, workers, count)
        generation += 1
        mirror.publish(generation: generation, pending: pending)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
        var u = 0
        while u < units {
            work.perform(unit: u, worker: 0)
            u += workers
        }
        mirror.spin { $0.pending != 0 }
        pthread_mutex_lock(mutex)
        while pending > 0 { pthread_cond_wait(finished, mutex) }
        job = nil
        pthread_mutex_unlock(mutex)
    }

    /// A pool thread's loop: wait for a new generation, run its share, report completion.
    private func serve(index: Int) {
        var seen = 0
        pthread_mutex_lock(mutex)
        while true {
            if generation == seen {
                // the next job usually follows within microseconds: spin briefly before sleeping
                pthread_mutex_unlock(mutex)
                mirror.spin { $0.generation == seen }
                pthread_mutex_lock(mutex)
            }
            while generation == seen { pthread_cond_wait(wake, mutex) }
            seen = generation
            let (work, units, workers) = (job, self.units, self.workers)
            pthread_mutex_unlock(mutex)
            if let work, index < workers {
                var u = index
                while u < units {
                    work.perform(unit: u, worker: index)
                    u += workers
                }
            }
            pthread_mutex_lock(mutex)
            pending -= 1
            mirror.publish(generation: generation, pending: pending)
            if pending == 0 { pthread_cond_signal(finished) }
        }
    }
}

/// Atomic copies of the pool's generation and pending count, read without the lock while spinning (the mutex
/// and condition variables stay the source of truth).
private final class SpinMirror: @unchecked Sendable {
    /// Spin iterations before falling back to the condition variable (tens of microseconds).
    static let limit = 20_000
    #if os(Linux)
        private let generation = Atomic<Int>(0), pending = Atomic<Int>(0)

        func publish(generation g: Int, pending p: Int) {
            generation.store(g, ordering: .releasing)
            pending.store(p, ordering: .releasing)
        }

        /// Spins while `condition` holds for the mirrored values, at most ``limit`` times.
        func spin(while condition: ((generation: Int, pending: Int)) -> Bool) {
            var i = 0
            while i < SpinMirror.limit
                && condition((generation.load(ordering: .acquiring), pending.load(ordering: .acquiring))) {
                i += 1
            }
        }
    #else
        func publish(generation: Int, pending: Int) {}
        func spin(while condition: ((generation: Int, pending: Int)) -> Bool) {}
    #endif
}

/// What a pool thread needs to find its pool.
private final class WorkerContext {
    let pool: WorkerThreads
    let index: Int

    init(pool: WorkerThreads, index: Int) {
        self.pool = pool
        self.index = index
    }
}
