/// What the ranks of a ``VectorSampler`` split over processes tell each other, so that every rank holds every
/// environment's path as one process would have recorded it.
///
/// Each rank resets and steps the environments it owns (a contiguous range). After a step it sends, per owned
/// environment in index order, either what the step gave (the observation after it, the reward, the applied action,
/// the simulator state after it and how the episode stands) or the error it threw; after a round of resets, the
/// start observation and state; when a batch ends, the environments' generator states. Everything else a path holds
/// (the observation before the step, the policy's action) every rank already has. All values travel as `Double`s:
/// counts and character codes exactly, generator states in two 32-bit halves.
final class StepExchange {
    let communicator: any Communicator
    let owned: Range<Int>
    let count: Int
    let observationSize: Int
    let actionSize: Int

    init(communicator: any Communicator, owned: Range<Int>, count: Int, observationSize: Int, actionSize: Int) {
        (self.communicator, self.owned, self.count) = (communicator, owned, count)
        (self.observationSize, self.actionSize) = (observationSize, actionSize)
    }

    /// The other ranks' environments that the last step moved: appends their steps to `paths`, writes their new
    /// observations into `observations`, marks those whose episodes ended, and takes over the errors they threw.
    func shareSteps(
        paths: inout [Trajectory], observations: inout [Double], actions: [Double], ended: inout [Bool],
        errors: inout [Error?]
    ) {
        var block: [Double] = []
        for j in owned {
            if let error = errors[j] {
                block.append(1)
                TextBlock.append(String(describing: error), to: &block)
                continue
            }
            let path = paths[j]
            block.append(0)
            block += observations[(j * observationSize)..<((j + 1) * observationSize)]
            block.append(path.rewards[path.length - 1])
            block += path.appliedActions.suffix(actionSize)
            Self.appendState(of: path, steps: path.length, to: &block)
            switch path.end {
            case .running: block.append(0)
            case .terminated: block.append(1)
            case .truncated: block.append(2)
            case .diverged(let reason):
                block.append(3)
                TextBlock.append(reason, to: &block)
            }
        }
        let blocks = communicator.allGather(block)
        for rank in 0..<communicator.size where rank != communicator.rank {
            var reader = BlockReader(blocks[rank], rank: rank)
            for j in communicator.ownedUnits(of: count, rank: rank) {
                if reader.next() != 0 {
                    errors[j] = RemoteStepError(description: reader.text())
                    continue
                }
                let row = (j * observationSize)..<((j + 1) * observationSize)
                paths[j].observations += observations[row]
                paths[j].actions += actions[(j * actionSize)..<((j + 1) * actionSize)]
                let next = reader.values(observationSize)
                paths[j].rewards.append(reader.next())
                paths[j].appliedActions += reader.values(actionSize)
                Self.readState(into: &paths[j], from: &reader)
                observations.replaceSubrange(row, with: next)
                let code = reader.next()
                guard code != 0 else { continue }
                paths[j].end = code == 1 ? .terminated : code == 2 ? .truncated : .diverged(reader.text())
                paths[j].finalObservation = Array(next)
                ended[j] = true
            }
            reader.finish()
        }
    }

    /// The other ranks' environments among `indices` that were just reset: their start observations and states.
    func shareStarts(_ indices: [Int], paths: inout [Trajectory], observations: inout [Double]) {
        var block: [Double] = []
        for j in indices where owned.contains(j) {
            block += observations[(j * observationSize)..<((j + 1) * observationSize)]
            Self.appendState(of: paths[j], steps: 0, to: &block)
        }
        let blocks = communicator.allGather(block)
        for rank in 0..<communicator.size where rank != communicator.rank {
            var reader = BlockReader(blocks[rank], rank: rank)
            let theirs = communicator.ownedUnits(of: count, rank: rank)
            for j in indices where theirs.contains(j) {
                observations.replaceSubrange(
                    (j * observationSize)..<((j + 1) * observationSize), with: reader.values(observationSize))
                paths[j].environment = j
                Self.readState(into: &paths[j], from: &reader)
            }
            reader.finish()
        }
    }

    /// Every environment's generator state, from the rank that owns it.
    func shareGenerators(_ generators: inout [SplitMix64]) {
        let block = generators[owned].flatMap { [Double($0.state >> 32), Double($0.state & 0xFFFF_FFFF)] }
        let blocks = communicator.allGather(block)
        for rank in 0..<communicator.size where rank != communicator.rank {
            var reader = BlockReader(blocks[rank], rank: rank)
            for j in communicator.ownedUnits(of: count, rank: rank) {
                let (high, low) = (reader.next(), reader.next())
                generators[j] = SplitMix64(seed: UInt64(high) << 32 | UInt64(low))
            }
            reader.finish()
        }
    }

    /// The state after step `steps` of `path`: nq, qpos, nv, qvel.
    private static func appendState(of path: Trajectory, steps: Int, to block: inout [Double]) {
        let nq = path.qpos.count / (steps + 1), nv = path.qvel.count / (steps + 1)
        block.append(Double(nq))
        block += path.qpos.suffix(nq)
        block.append(Double(nv))
        block += path.qvel.suffix(nv)
    }

    private static func readState(into path: inout Trajectory, from reader: inout BlockReader) {
        path.qpos += reader.values(reader.count())
        path.qvel += reader.values(reader.count())
    }

}

/// An error an environment owned by another rank threw while stepping, as that rank described it.
public struct RemoteStepError: Error, CustomStringConvertible {
    public let description: String
}

/// Reads one rank's block front to back; a block that does not parse is a broken invariant of the exchange.
private struct BlockReader {
    let values: [Double]
    let rank: Int
    var position = 0

    init(_ values: [Double], rank: Int) { (self.values, self.rank) = (values, rank) }

    mutating func next() -> Double {
        precondition(position < values.count, "rank \(rank)'s sampler block ended early")
        defer { position += 1 }
        return values[position]
    }

    mutating func values(_ n: Int) -> ArraySlice<Double> {
        precondition(n >= 0 && position + n <= values.count, "rank \(rank)'s sampler block ended early")
        defer { position += n }
        return values[position..<(position + n)]
    }

    mutating func count() -> Int {
        let value = next()
        precondition(value >= 0 && value <= Double(Int32.max) && value.rounded() == value, "bad count \(value)")
        return Int(value)
    }

    mutating func text() -> String {
        let bytes = values(count()).map { UInt8(clamping: Int($0)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func finish() {
        precondition(
            position == values.count, "rank \(rank)'s sampler block has \(values.count - position) extra values")
    }
}
