import Core

/// Preallocated scratch for ensemble predictions of up to `capacity` rows whose observations and actions the caller
/// holds in `T` (`Float` or `Double`); make it once, reuse it every step.
///
/// Holds, per worker, a network workspace and a normalized-input buffer for one chunk of rows, plus the row-to-member
/// assignment and per-member Δ buffers for ``DynamicsEnsemble/Propagation/mean``. Not for concurrent use.
public final class EnsembleWorkspace<T: GEMMScalar>: @unchecked Sendable {
    // @unchecked: one prediction at a time uses a workspace; inside it, each worker owns its own buffers.
    /// Most rows one prediction may have.
    public let capacity: Int
    let workers: [PredictionWorker]
    /// Rows grouped by member: member k owns rowOrder[groupStart[k] ..< groupStart[k] + groupCount[k]].
    let rowOrder: UnsafeMutablePointer<Int32>
    /// The member drawn for each row (random-member mode).
    let rowMember: UnsafeMutablePointer<Int32>
    var groupStart: [Int], groupCount: [Int], groupFill: [Int]
    /// Work units: (member, first index into rowOrder, rows).
    let unitMember: UnsafeMutablePointer<Int32>, unitStart: UnsafeMutablePointer<Int32>,
        unitRows: UnsafeMutablePointer<Int32>
    var unitCount = 0
    let unitCapacity: Int
    /// Denormalized Δ of every member for the mean mode, (K × capacity × dO).
    let memberDeltas: UnsafeMutablePointer<Float>
    /// The preallocated job handed to the worker pool.
    let work = PredictionWork<T>()

    /// A workspace for `ensemble` and up to `capacity` rows, with one worker buffer per ensemble thread.
    public init(ensemble: DynamicsEnsemble, capacity: Int) {
        precondition(capacity > 0, "capacity must be positive, got \(capacity)")
        self.capacity = capacity
        let sizes = ensemble.layerSizes, k = ensemble.memberCount
        let chunk = min(capacity, DynamicsEnsemble.chunkRows)
        workers = (0..<max(1, ensemble.threads)).map { _ in
            PredictionWorker(
                layerSizes: sizes, weightNormalization: ensemble.config.weightNormalization,
                capacity: chunk)
        }
        rowOrder = .allocate(capacity: capacity)
        rowOrder.initialize(repeating: 0, count: capacity)
        rowMember = .allocate(capacity: capacity)
        rowMember.initialize(repeating: 0, count: capacity)
        groupStart = [Int](repeating: 0, count: k)
        groupCount = [Int](repeating: 0, count: k)
        groupFill = [Int](repeating: 0, count: k)
        unitCapacity = k * ((capacity + DynamicsEnsemble.chunkRows - 1) / DynamicsEnsemble.chunkRows + 1)
        unitMember = .allocate(capacity: unitCapacity)
        unitStart = .allocate(capacity: unitCapacity)
        unitRows = .allocate(capacity: unitCapacity)
        for p in [unitMember, unitStart, unitRows] { p.initialize(repeating: 0, count: unitCapacity) }
        let deltas = k * capacity * ensemble.observationSize
        memberDeltas = .allocate(capacity: deltas)
        memberDeltas.initialize(repeating: 0, count: deltas)
    }

    deinit {
        rowOrder.deallocate()
        rowMember.deallocate()
        unitMember.deallocate()
        unitStart.deallocate()
        unitRows.deallocate()
        memberDeltas.deallocate()
    }

    /// Cuts every member's group of rows into chunks of at most ``DynamicsEnsemble/chunkRows`` rows of near-equal
    /// size.
    func buildUnits() {
        unitCount = 0
        for k in groupStart.indices where groupCount[k] > 0 {
            let count = groupCount[k]
            let chunks = DynamicsEnsemble.chunkCount(rows: count)
            for c in 0..<chunks {
                let lower = c * count / chunks, upper = (c + 1) * count / chunks
                unitMember[unitCount] = Int32(k)
                unitStart[unitCount] = Int32(groupStart[k] + lower)
                unitRows[unitCount] = Int32(upper - lower)
                unitCount += 1
            }
        }
    }
}

/// The arguments of one prediction, handed to the worker pool without allocating.
final class PredictionWork<T: GEMMScalar>: ParallelWork {
    var ensemble: DynamicsEnsemble?
    var workspace: EnsembleWorkspace<T>?
    var observations: UnsafePointer<T>?, actions: UnsafePointer<T>?, next: UnsafeMutablePointer<T>?
    var averaging = false

    func perform(unit: Int, worker: Int) {
        guard let ensemble, let workspace, let observations, let actions, let next else { return }
        ensemble.runUnit(
            unit, worker: workspace.workers[worker], observations: observations, actions: actions,
            into: next, averaging: averaging, workspace: workspace)
    }
}

/// One worker's buffers: network activations and normalized inputs for one chunk.
final class PredictionWorker {
    let network: MLPWorkspace<Float>
    let input: UnsafeMutablePointer<Float>

    init(layerSizes: [Int], weightNormalization: Bool, capacity: Int) {
        network = MLPWorkspace(
            layerSizes: layerSizes, weightNormalization: weightNormalization, capacity: capacity,
            training: false)
        input = .allocate(capacity: capacity * layerSizes[0])
        input.initialize(repeating: 0, count: capacity * layerSizes[0])
    }

    deinit { input.deallocate() }
}
