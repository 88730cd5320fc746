#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// A fixed set of worker threads for short, frequent parallel sections (one per simulation step).
///
/// `run(_:)` calls `body(worker)` once for each worker index 0..<threads — index 0 on the calling thread — and
/// returns when all are done. Workers spin for a short while between sections before they sleep, so a loop of
/// sections a few hundred microseconds apart never pays the operating system's wake-up latency, which on
/// virtual machines can exceed the work itself. Partition work by worker index (never by timing) to keep
/// results independent of the thread count.
public final class WorkerPool: @unchecked Sendable {  // shared state is atomics plus a mutex-guarded condition
    /// Number of participants, including the calling thread.
    public let threads: Int

    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var body: ((Int) -> Void)? = nil
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var handles: [pthread_t] = []
    /// How long an idle worker keeps spinning before it sleeps (nanoseconds).
    private static let spinNanoseconds: UInt64 = 2_000_000

    /// Starts `threads − 1` worker threads (none for a single thread).
    public init(threads: Int) {
        self.threads = max(1, threads)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        for index in 1..<self.threads {
            // the worker holds the pool unretained: deinit joins every worker before the memory goes away
            let context = Unmanaged.passRetained(WorkerContext(pool: Unmanaged.passUnretained(self), index: index))
                .toOpaque()
            var handle = pthread_t()
            let status = pthread_create(&handle, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.takeUnretainedValue().workerLoop(index: context.index)
                return nil
            }, context)
            precondition(status == 0, "cannot start worker thread: pthread_create returned \(status)")
            handles.append(handle)
        }
    }

    deinit {
        stopping.store(true, ordering: .releasing)
        generation.add(1, ordering: .releasing)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        for handle in handles { pthread_join(handle, nil) }
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `body(worker)` for every worker index and waits for all of them. Not reentrant.
    public func run(_ body: (Int) -> Void) {
        if threads == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            finished.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            pthread_mutex_lock(&mutex)
            pthread_cond_broadcast(&condition)
            pthread_mutex_unlock(&mutex)
            escapable(0)
            while finished.load(ordering: .acquiring) < threads - 1 { spinPause() }
            self.body = nil
        }
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            let spinStart = monotonicNanoseconds()
            while generation.load(ordering: .acquiring) == seen {
                if monotonicNanoseconds() - spinStart < Self.spinNanoseconds {
                    spinPause()
                    continue
                }
                pthread_mutex_lock(&mutex)
                while generation.load(ordering: .acquiring) == seen {
                    pthread_cond_wait(&condition, &mutex)
                }
                pthread_mutex_unlock(&mutex)
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            body?(index)
            finished.add(1, ordering: .releasing)
        }
    }

    /// Gives the core away if another thread wants it, else returns at once.
    @inline(__always) private func spinPause() {
        sched_yield()
    }
}

/// Monotonic clock in nanoseconds.
@inline(__always) func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// What a worker thread needs to find its pool.
private final class WorkerContext {
    let pool: Unmanaged<WorkerPool>
    let index: Int
    init(pool: Unmanaged<WorkerPool>, index: Int) {
        self.pool = pool
        self.index = index
    }
}
