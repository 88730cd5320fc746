/// The processes of one training run spread over several (MPI ranks), as the computation sees them: who this
/// process is, how many there are, and the one collective the split needs.
///
/// The work that splits (tasks, members, environments) is cut into contiguous unit ranges, one per rank
/// (``UnitPartition``); each rank computes its units' partial results, every rank receives every unit's, and every
/// rank reduces them in unit order with the same code a single process runs. So a run gives the same bits for any
/// number of ranks. A single process is ``SingleProcess``: every collective is the identity.
public protocol Communicator: AnyObject {
    /// This process's index, 0 ..< ``size``.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Every rank passes its block of values (any length, empty allowed); every rank receives all blocks, in rank
    /// order. A collective that cannot complete (another rank failed or left) does not return: the implementation
    /// ends this process with a one-line message, as MPI's default error handler does, so that no rank waits
    /// forever; the run resumes from its last checkpoint.
    func allGather(_ block: [Double]) -> [[Double]]
}

/// One process alone: rank 0 of 1.
public final class SingleProcess: Communicator {
    /// The process-wide instance.
    public static let shared = SingleProcess()
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allGather(_ block: [Double]) -> [[Double]] { [block] }
}

/// Contiguous ranges of `units` work units over `ranks` ranks: rank r owns [r·units/R, (r+1)·units/R), so the ranges
/// tile 0..<units in rank order and differ in length by at most one (a rank may own none when units < ranks).
public enum UnitPartition {
    /// The units rank `rank` of `ranks` owns.
    public static func range(rank: Int, ranks: Int, units: Int) -> Range<Int> {
        precondition(ranks > 0 && rank >= 0 && rank < ranks && units >= 0, "rank \(rank) of \(ranks), \(units) units")
        return (rank * units / ranks)..<((rank + 1) * units / ranks)
    }

    /// The rank that owns unit `unit`.
    public static func owner(of unit: Int, ranks: Int, units: Int) -> Int {
        precondition(unit >= 0 && unit < units, "unit \(unit) of \(units)")
        return (0..<ranks).first { range(rank: $0, ranks: ranks, units: units).contains(unit) } ?? 0
    }
}

extension Communicator {
    /// The units of `units` this rank owns.
    public func ownedUnits(of units: Int) -> Range<Int> { UnitPartition.range(rank: rank, ranks: size, units: units) }

    /// The units of `units` that rank `rank` owns.
    public func ownedUnits(of units: Int, rank: Int) -> Range<Int> {
        UnitPartition.range(rank: rank, ranks: size, units: units)
    }

    /// Shares fixed-width per-unit records: this rank passes the records of its own units (``ownedUnits(of:)``, each
    /// `width` values, in unit order) and gets every unit's, in unit order. One process returns its input.
    public func gatherUnits(_ own: [Double], width: Int, units: Int) -> [Double] {
        let owned = ownedUnits(of: units)
        precondition(own.count == owned.count * width, "expected \(owned.count) records of \(width), got \(own.count)")
        guard size > 1 else { return own }
        let blocks = allGather(own)
        for r in 0..<size {
            let expected = UnitPartition.range(rank: r, ranks: size, units: units).count * width
            precondition(blocks[r].count == expected, "rank \(r) sent \(blocks[r].count) values, expected \(expected)")
        }
        return blocks.flatMap { $0 }
    }
}

extension Communicator {
    /// Every rank's `texts`, in rank order (rank r's list at index r), nil for a rank whose block does not read as
    /// texts (a rank running another build, at this point of its run); one process gets its own list back. For
    /// what the ranks of one run must agree on, compared once at the start.
    public func gatherTexts(_ texts: [String]) -> [[String]?] {
        guard size > 1 else { return [texts] }
        var block = [Double(texts.count)]
        for text in texts { TextBlock.append(text, to: &block) }
        return allGather(block).map(TextBlock.texts)
    }
}

/// Text inside a block of doubles, as the collectives carry it: the UTF-8 length, then one value per byte.
enum TextBlock {
    static func append(_ text: String, to block: inout [Double]) {
        let bytes = Array(text.utf8)
        block.append(Double(bytes.count))
        block += bytes.map(Double.init)
    }

    /// A block of a count and that many texts, as ``Communicator/gatherTexts(_:)`` sends it; nil for anything else.
    static func texts(_ values: [Double]) -> [String]? {
        var position = 0
        func count(limit: Int) -> Int? {
            guard position < values.count, let value = Int(exactly: values[position]), value >= 0, value <= limit
            else { return nil }
            position += 1
            return value
        }
        guard let texts = count(limit: values.count) else { return nil }
        var found: [String] = []
        for _ in 0..<texts {
            guard let length = count(limit: values.count - position - 1) else { return nil }
            var bytes: [UInt8] = []
            for _ in 0..<length {
                guard let byte = count(limit: 255) else { return nil }
                bytes.append(UInt8(byte))
            }
            found.append(String(decoding: bytes, as: UTF8.self))
        }
        return position == values.count ? found : nil
    }
}
