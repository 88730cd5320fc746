/// FIFO store of real transitions (o, a, Δ = o′ − o) for fitting the dynamics model, in `Float`.
///
/// Rows are kept oldest first; once more than `capacity` rows are held, the oldest are dropped.
/// Δ is formed in `Double` before rounding, so small differences of large observations keep their precision.
public struct TransitionBuffer: Equatable, Sendable {
    /// Observation width dO.
    public let observationSize: Int
    /// Action width dA.
    public let actionSize: Int
    /// Most rows held.
    public let capacity: Int
    /// Observations, (count × dO) row-major.
    public private(set) var observations: [Float] = []
    /// Actions, (count × dA) row-major.
    public private(set) var actions: [Float] = []
    /// Observation differences o′ − o, (count × dO) row-major.
    public private(set) var deltas: [Float] = []

    /// An empty buffer.
    public init(observationSize: Int, actionSize: Int, capacity: Int) {
        precondition(
            observationSize > 0 && actionSize > 0 && capacity > 0,
            "sizes must be positive: dO \(observationSize), dA \(actionSize), capacity \(capacity)")
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.capacity = capacity
    }

    /// A buffer holding saved rows: observations and deltas (rows × dO), actions (rows × dA), at most `capacity`.
    public init(
        observationSize: Int, actionSize: Int, capacity: Int, observations: [Float], actions: [Float],
        deltas: [Float]
    ) {
        self.init(observationSize: observationSize, actionSize: actionSize, capacity: capacity)
        let rows = observations.count / observationSize
        precondition(
            observations.count == rows * observationSize && deltas.count == observations.count
                && actions.count == rows * actionSize && rows <= capacity,
            "saved buffer: \(observations.count) observation, \(actions.count) action and \(deltas.count) "
                + "delta values do not form ≤ \(capacity) rows of dO \(observationSize), dA \(actionSize)")
        self.observations = observations
        self.actions = actions
        self.deltas = deltas
    }

    /// Number of transitions held.
    public var count: Int { observations.count / observationSize }

    /// Appends rows (o, a, o′) given as row-major arrays of equal row count, then drops the oldest beyond capacity.
    /// - Parameters: observations, nextObservations: (rows × dO); actions: (rows × dA).
    public mutating func append(observations o: [Double], actions a: [Double], nextObservations next: [Double]) {
        let rows = o.count / observationSize
        precondition(
            o.count == rows * observationSize && next.count == o.count && a.count == rows * actionSize,
            "expected (rows × \(observationSize)) observations and next observations and (rows × "
                + "\(actionSize)) actions; got \(o.count), \(next.count), \(a.count) values")
        observations.append(contentsOf: o.lazy.map { Float($0) })
        actions.append(contentsOf: a.lazy.map { Float($0) })
        deltas.append(contentsOf: zip(next, o).lazy.map { Float($0 - $1) })
        let excess = count - capacity
        if excess > 0 {
            observations.removeFirst(excess * observationSize)
            actions.removeFirst(excess * actionSize)
            deltas.removeFirst(excess * observationSize)
        }
    }

    /// Removes every transition.
    public mutating func removeAll() {
        observations.removeAll()
        actions.removeAll()
        deltas.removeAll()
    }
}
