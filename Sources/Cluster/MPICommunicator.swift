import CMPI
import Core
import Foundation

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

    /// Whether this process was started by an MPI launcher (Open MPI's `mpirun`/`mpiexec`, or a PMIx scheduler):
    /// only then does mbmpo initialize MPI, so a plain `mbmpo train` behaves as it always has.
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Initializes MPI; throws a one-line error if it cannot.
    public init() throws {
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
    }

    public func allGather(_ block: [Double]) -> [[Double]] {
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
        bytesSent += (block.count + 1) * MemoryLayout<Double>.size
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

extension Communicator {
    /// Whether any rank asks for `flag` (a logical or over ranks): how the ranks agree to stop at the same safe point
    /// when a signal reached only some of them, or at different moments.
    public func anyRank(_ flag: Bool) -> Bool {
        allGather([flag ? 1 : 0]).contains { $0.first == 1 }
    }
}
