import Core
import Foundation

/// R "ranks" inside one process, each on its own thread, with a real all-gather between them: what the tests use
/// to check that work split over processes gives the bits of one process, without MPI.
public final class InProcessGroup: @unchecked Sendable {
    // @unchecked: every mutable field is read and written under `condition`'s lock.
    public let size: Int
    private let condition = NSCondition()
    private var blocks: [[Double]?]
    private var arrived = 0
    private var generation = 0
    private var gathered: [[Double]] = []

    public init(size: Int) {
        precondition(size > 0)
        self.size = size
        blocks = [[Double]?](repeating: nil, count: size)
    }

    /// One rank's view of the group.
    public final class Member: Communicator {
        let group: InProcessGroup
        public let rank: Int
        init(group: InProcessGroup, rank: Int) { (self.group, self.rank) = (group, rank) }
        public var size: Int { group.size }
        public func allGather(_ block: [Double]) -> [[Double]] { group.allGather(block, from: rank) }
    }

    func allGather(_ block: [Double], from rank: Int) -> [[Double]] {
        condition.lock()
        defer { condition.unlock() }
        let round = generation
        precondition(blocks[rank] == nil, "rank \(rank) entered a collective twice")
        blocks[rank] = block
        arrived += 1
        if arrived == size {
            gathered = blocks.map { $0 ?? [] }
            blocks = [[Double]?](repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == round { condition.wait() }
        }
        // the next round cannot finish before this rank joins it, so `gathered` is still this round's
        return gathered
    }

    /// Runs `body` once per rank, each on its own thread, and returns the results in rank order.
    public func run<T>(_ body: @escaping @Sendable (any Communicator) -> T) -> [T] {
        let results = ResultBox<T>(count: size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let member = Member(group: self, rank: rank)
            let thread = Thread {
                results.set(rank, body(member))
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values()
    }

    private final class ResultBox<T>: @unchecked Sendable {
        // @unchecked: each slot is written by one thread; read after all have finished.
        var slots: [T?]
        let lock = NSLock()
        init(count: Int) { slots = [T?](repeating: nil, count: count) }
        func set(_ index: Int, _ value: T) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }
        func values() -> [T] { slots.map { $0! } }
    }
}
