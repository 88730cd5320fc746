import CMPI
import Core
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The processes of a run started with `mpirun -n R mbmpo train …` (Open MPI): MPI_COMM_WORLD as a
/// ``Communicator``.
///
/// Only the main thread calls MPI (MPI_THREAD_FUNNELED); the worker pool's threads never do. Errors are returned
/// rather than fatal inside MPI, so that a failed collective ends this process with one line naming the rank and
/// MPI's reason, through `MPI_Abort`, which makes `mpirun` stop every other rank instead of leaving them waiting.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private var finished = false
    /// Collective operations so far (each all-gather counts once; its size exchange is part of it).
    public private(set) var collectives = 0
    /// Bytes this rank has sent and received in them (every rank receives every block, its own included).
    public private(set) var bytesSent = 0, bytesReceived = 0
    /// The environment variable that sets ``collectiveTimeout`` in seconds (0: none).
    public static let timeoutVariable = "MBMPO_MPI_TIMEOUT"
    /// Longest wait inside one collective before this rank gives up on the others (nil: none). MPI ends the run when a
    /// rank dies; this ends it when one hangs (a stopped process, a machine that stopped answering).
    public let collectiveTimeout: Duration?
    /// When the collective under way began (nanoseconds of the monotonic clock), 0 outside collectives; read by the
    /// watchdog thread.
    private let collectiveStart = Atomic<UInt64>(0)

    /// Whether this process was started by an MPI launcher (Open MPI's `mpirun`/`mpiexec`, or a PMIx scheduler):
    /// only then does mbmpo initialize MPI, so a plain `mbmpo train` behaves as it always has.
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Initializes MPI; throws a one-line error if it cannot, or if ``timeoutVariable`` is not a number of seconds.
    public init() throws {
        collectiveTimeout = try Self.timeoutSetting(ProcessInfo.processInfo.environment[Self.timeoutVariable])
        var provided: Int32 = 0
        var argc: Int32 = 0
        let status = MPI_Init_thread(&argc, nil, mbmpo_mpi_thread_funneled(), &provided)
        guard status == mbmpo_mpi_success() else {
            throw ClusterError("MPI could not start (\(Self.describe(status)))")
        }
        guard provided >= mbmpo_mpi_thread_funneled() else {
            MPI_Finalize()
            throw ClusterError("this MPI library does not support calls from the main thread of a threaded program")
        }
        MPI_Comm_set_errhandler(mbmpo_mpi_comm_world(), mbmpo_mpi_errors_return())
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(mbmpo_mpi_comm_world(), &r)
        MPI_Comm_size(mbmpo_mpi_comm_world(), &s)
        (rank, size) = (Int(r), Int(s))
        if let collectiveTimeout, size > 1 { startWatchdog(timeout: collectiveTimeout) }
    }

    /// The collective timeout from the environment variable's text: 600 s when unset, none for 0.
    static func timeoutSetting(_ text: String?) throws -> Duration? {
        guard let text else { return .seconds(600) }
        guard let seconds = Double(text), seconds.isFinite, seconds == 0 || (seconds >= 0.001 && seconds <= 1e7) else {
            throw ClusterError(
                "\(timeoutVariable) must be 0 (no timeout) or a number of seconds from 0.001 to 1e7, got '\(text)'")
        }
        return seconds == 0 ? nil : .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A thread that ends this process when a collective has waited longer than `timeout`: it cannot call MPI (only
    /// the main thread does), so it writes one line and exits, and `mpirun` then ends the other ranks. The wait is
    /// added up tick by tick, each tick counting at most twice its interval, so a job that a scheduler suspends
    /// (SIGSTOP to every rank) does not time out when it is continued.
    private func startWatchdog(timeout: Duration) {
        let limit =
            UInt64(timeout.components.seconds) * 1_000_000_000 + UInt64(timeout.components.attoseconds / 1_000_000_000)
        let interval = max(min(1, Double(limit) / 4e9), 0.001)
        let (rank, size) = (self.rank, self.size)
        let thread = Thread { [self] in
            var (watched, waited, tick) = (UInt64(0), UInt64(0), Self.now())
            while true {
                Thread.sleep(forTimeInterval: interval)
                let (start, now) = (collectiveStart.load(ordering: .relaxed), Self.now())
                let elapsed = min(now &- tick, UInt64(2 * interval * 1e9))
                tick = now
                if start == 0 || start != watched {
                    (watched, waited) = (start, 0)
                    continue
                }
                waited += elapsed
                guard waited > limit else { continue }
                let message =
                    "error: rank \(rank) of \(size): no answer from the other ranks for \(Double(limit) / 1e9) s "
                    + "(\(Self.timeoutVariable)); ending the run, which resumes from its last checkpoint\n"
                FileHandle.standardError.write(Data(message.utf8))
                _exit(1)
            }
        }
        thread.start()
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    public func allGather(_ block: [Double]) -> [[Double]] {
        collectiveStart.store(Self.now(), ordering: .relaxed)
        defer { collectiveStart.store(0, ordering: .relaxed) }
        var count = Int32(block.count)
        var counts = [Int32](repeating: 0, count: size)
        check(
            MPI_Allgather(&count, 1, mbmpo_mpi_int(), &counts, 1, mbmpo_mpi_int(), mbmpo_mpi_comm_world()),
            "sharing block sizes")
        var offsets = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { offsets[r] = offsets[r - 1] + counts[r - 1] }
        var all = [Double](repeating: 0, count: Int(counts.reduce(0, +)))
        block.withUnsafeBufferPointer { local in
            all.withUnsafeMutableBufferPointer { out in
                check(
                    MPI_Allgatherv(
                        local.baseAddress, count, mbmpo_mpi_double(), out.baseAddress, counts, offsets,
                        mbmpo_mpi_double(), mbmpo_mpi_comm_world()),
                    "gathering results")
            }
        }
        collectives += 1
        bytesSent += block.count * MemoryLayout<Double>.size + MemoryLayout<Int32>.size
        bytesReceived += all.count * MemoryLayout<Double>.size + size * MemoryLayout<Int32>.size
        return (0..<size).map { r in Array(all[Int(offsets[r])..<Int(offsets[r] + counts[r])]) }
    }

    /// Ends MPI (once; later calls do nothing).
    public func finish() {
        guard !finished else { return }
        finished = true
        MPI_Finalize()
    }

    /// Ends every rank with `message` (one line on this rank's standard error) and exit status `code`.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("error: rank \(rank) of \(size): \(message)\n".utf8))
        MPI_Abort(mbmpo_mpi_comm_world(), code)
        exit(code)
    }

    private func check(_ status: Int32, _ what: String) {
        if status != mbmpo_mpi_success() { abort("MPI failed \(what): \(Self.describe(status))") }
    }

    private static func describe(_ status: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(mbmpo_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(status, &text, &length)
        return String(cString: text)
    }
}

/// A problem starting MPI, as one line.
public struct ClusterError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
