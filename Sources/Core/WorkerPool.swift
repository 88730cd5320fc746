import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A job cut into numbered work units; `perform` is called once per unit, from any worker thread.
public protocol ParallelWork: AnyObject {
    /// Runs unit `unit` on worker `worker` (0 is the calling thread).
    func perform(unit: Int, worker: Int)
}

/// How the units of a parallel section are dealt to its W workers.
public enum Partition: Sendable {
    /// Unit u runs on worker u mod W, in increasing u (for many small units of uneven cost).
    case strided
    /// Worker w runs the contiguous units [w·n/W, (w+1)·n/W) in increasing order (for per-task and per-environment
    /// work whose scratch is per worker).
    case contiguous
}

/// The one parallel-for of mbmpo: a process-wide pool of persistent threads (one fewer than the online processors,
/// the calling thread being worker 0) that runs short, frequent parallel sections — one per simulation step, per
/// model mini-batch, per Hessian-vector product — without allocating beyond a small box per closure call.
///
/// **Determinism.** A section's units and what each computes never depend on the worker count, and each unit
/// writes only its own outputs; a caller that then combines per-unit results does so in unit order. So results are
/// bit-identical for any `threads`. Callers in Learner pin OpenBLAS to one thread before a section
/// (`runSingleThreadedBLAS`), so that a product never splits differently with the thread count and BLAS's
/// own threads never compete with these.
///
/// **Waiting.** A section wakes only the threads it uses (each thread has its own ticket and condition variable).
/// After its share a thread spins for up to ``spinNanoseconds``, yielding the core to any other runnable thread on
/// every turn, then sleeps; the caller waits for the last worker the same way. Sections a few hundred microseconds
/// apart therefore never pay the operating system's wake-up latency (which on virtual machines can exceed the work
/// itself), threads a section does not use stay asleep, and there is only this one pool, so no two pools spin
/// against each other on a small machine.
public final class WorkerPool: @unchecked Sendable {
    // @unchecked: `section` is written only by the caller holding `busy`, before the tickets that publish it and
    // after every woken thread has reported; each condition variable is used under its own mutex.

    /// The process's pool.
    public static let shared = WorkerPool(threads: max(1, onlineProcessors() - 1))

    /// How long an idle thread spins before it sleeps (nanoseconds).
    public static let spinNanoseconds: UInt64 = 2_000_000

    /// Number of pool threads (the calling thread works as worker 0 besides them).
    public let count: Int
    /// Lane i belongs to pool thread i + 1.
    private let lanes: [Lane]
    private let pending = Atomic<Int>(0)
    private var section: Section?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let busy: UnsafeMutablePointer<pthread_mutex_t>
    private let finished: UnsafeMutablePointer<pthread_cond_t>

    /// The most workers a section can have: the pool's threads plus the calling thread.
    public var maximumWorkers: Int { count + 1 }

    /// The number of workers a section of `units` units asked to run on `threads` threads gets.
    public func workers(units: Int, threads: Int) -> Int {
        max(1, min(threads, units, maximumWorkers))
    }

    /// Calls `work.perform(unit:worker:)` for every unit in 0..<units, dealt by `partition`; returns when all are
    /// done. Not reentrant: a unit must not start a section of its own.
    public func run(units: Int, threads: Int, partition: Partition = .strided, _ work: ParallelWork) {
        guard units > 0 else { return }
        let workers = workers(units: units, threads: threads)
        if workers == 1 {
            for u in 0..<units { work.perform(unit: u, worker: 0) }
            return
        }
        run(Section(work: work, units: units, workers: workers, partition: partition))
    }

    /// Calls `body(unit, worker)` for every unit in 0..<units, dealt by `partition`.
    public func run(
        units: Int, threads: Int, partition: Partition = .strided,
        _ body: (_ unit: Int, _ worker: Int) -> Void
    ) {
        withoutActuallyEscaping(body) { body in
            run(units: units, threads: threads, partition: partition, ClosureWork(body))
        }
    }

    /// Starts `threads` pool threads.
    private init(threads: Int) {
        count = threads
        lanes = (0..<threads).map { _ in Lane() }
        (mutex, busy, finished) = (.allocate(capacity: 1), .allocate(capacity: 1), .allocate(capacity: 1))
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(busy, nil)
        pthread_cond_init(finished, nil)
        for index in 1...count {
            // the pool lives as long as the process, so its threads hold it unretained and are never joined
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                    context.pool.serve(index: context.index)
                    return nil
                }, context)
            precondition(status == 0, "cannot start a worker thread: pthread_create returned \(status)")
            pthread_detach(thread)
        }
    }

    /// Runs `section` on the calling thread (worker 0) and pool threads 1..<section.workers; returns when they
    /// have all reported. A section is published by storing it and then incrementing each of those threads' tickets
    /// (release); a thread that sees its new ticket (acquire) reads the section, runs its share and decrements
    /// `pending`.
    private func run(_ section: Section) {
        pthread_mutex_lock(busy)
        defer { pthread_mutex_unlock(busy) }
        self.section = section
        pending.store(section.workers - 1, ordering: .relaxed)
        for lane in lanes.prefix(section.workers - 1) { lane.wake() }
        section.perform(worker: 0)
        spin { self.pending.load(ordering: .acquiring) != 0 }
        pthread_mutex_lock(mutex)
        while pending.load(ordering: .acquiring) != 0 { pthread_cond_wait(finished, mutex) }
        pthread_mutex_unlock(mutex)
        self.section = nil
    }

    /// A pool thread's loop: wait for a new ticket, run its share, report.
    private func serve(index: Int) {
        let lane = lanes[index - 1]
        var seen = 0
        while true {
            spin { lane.ticket.load(ordering: .acquiring) == seen }
            seen = lane.wait(past: seen)
            section?.perform(worker: index)
            if pending.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                // under the mutex, so the caller cannot miss the signal between its check and its wait
                pthread_mutex_lock(mutex)
                pthread_cond_signal(finished)
                pthread_mutex_unlock(mutex)
            }
        }
    }

    /// Spins while `condition` holds, at most ``spinNanoseconds``, giving the core away on every turn if another
    /// thread wants it.
    @inline(__always) private func spin(while condition: () -> Bool) {
        let start = monotonicNanoseconds()
        while condition() && monotonicNanoseconds() - start < Self.spinNanoseconds { sched_yield() }
    }
}

/// One pool thread's wake-up: a ticket the caller increments per section that uses the thread, and the condition
/// variable the thread sleeps on when it has spun long enough.
private final class Lane: @unchecked Sendable {
    // @unchecked: the condition variable is used under its mutex; the ticket is atomic
    let ticket = Atomic<Int>(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = .allocate(capacity: 1)
    private let condition: UnsafeMutablePointer<pthread_cond_t> = .allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Publishes a new ticket (release) and wakes the thread if it sleeps.
    func wake() {
        pthread_mutex_lock(mutex)
        ticket.add(1, ordering: .releasing)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until the ticket differs from `seen`; returns the new ticket.
    func wait(past seen: Int) -> Int {
        pthread_mutex_lock(mutex)
        while ticket.load(ordering: .acquiring) == seen { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
        return ticket.load(ordering: .acquiring)
    }
}

/// One parallel section: what to run and how it is dealt.
struct Section {
    let work: ParallelWork
    let units: Int
    let workers: Int
    let partition: Partition

    /// Runs worker `worker`'s share of the units.
    func perform(worker: Int) {
        guard worker < workers else { return }
        switch partition {
        case .strided:
            var u = worker
            while u < units {
                work.perform(unit: u, worker: worker)
                u += workers
            }
        case .contiguous:
            for u in (worker * units / workers)..<((worker + 1) * units / workers) {
                work.perform(unit: u, worker: worker)
            }
        }
    }
}

/// ``ParallelWork`` from a closure.
private final class ClosureWork: ParallelWork {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
    func perform(unit: Int, worker: Int) { body(unit, worker) }
}

/// What a pool thread needs to find its pool.
private final class WorkerContext {
    let pool: WorkerPool
    let index: Int

    init(pool: WorkerPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}

/// Monotonic clock in nanoseconds.
@inline(__always) func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// The processors online now (at least 1).
public func onlineProcessors() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
