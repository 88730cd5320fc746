import Core

/// What Gymnasium's MuJoCo v5 tasks share: their episode length and NumPy's order of adding up a cost, so that our
/// rewards equal Gymnasium's bit for bit where the state determines them (`scripts/gymnasium_parity.py`).
enum GymnasiumV5 {
    /// Steps before the time limit that `gymnasium.make` wraps the locomotion tasks in (Reacher-v5: 50).
    static let horizon = 1_000

    /// Σ value(i)² for i in 0..<count, added up as NumPy's `np.sum(np.square(x))` adds a contiguous float64 array:
    /// from 0, in order for fewer than 8 entries, else in eight interleaved partial sums combined pairwise, the
    /// remainder after the last full group of eight added in order (NumPy's pairwise sum, up to 128 entries).
    @inline(__always)
    static func squaredSum(count: Int, _ value: (Int) -> Double) -> Double {
        precondition(count <= 128, "the NumPy-order sum covers at most 128 entries, got \(count)")
        if count < 8 {
            var sum = 0.0
            for i in 0..<count { sum += value(i) * value(i) }
            return sum
        }
        // lane-wise additions round as the scalar ones do; a SIMD value keeps the hot path free of allocations
        var partial = SIMD8<Double>()
        for j in 0..<8 { partial[j] = value(j) * value(j) }
        var i = 8
        while i < count - count % 8 {
            for j in 0..<8 { partial[j] += value(i + j) * value(i + j) }
            i += 8
        }
        var sum =
            ((partial[0] + partial[1]) + (partial[2] + partial[3]))
            + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
        while i < count {
            sum += value(i) * value(i)
            i += 1
        }
        return 0 + sum
    }

    /// ``squaredSum(count:_:)`` of an array.
    static func squaredSum(_ values: [Double]) -> Double { squaredSum(count: values.count) { values[$0] } }

    /// ``squaredSum(count:_:)`` of row `row` of a (rows × width) buffer.
    static func squaredSum(_ values: UnsafeBufferPointer<Double>, row: Int, width: Int) -> Double {
        squaredSum(count: width) { values[row * width + $0] }
    }

    /// Whether every entry of row `row` of a (rows × width) buffer is finite.
    static func rowIsFinite(_ values: UnsafeBufferPointer<Double>, row: Int, width: Int) -> Bool {
        for j in 0..<width where !values[row * width + j].isFinite { return false }
        return true
    }
}

/// A Gymnasium task's rules over an ``EnvironmentCore``: what ``RuledTask`` steps.
protocol TaskRules: Sendable {
    func makeCore(model: MuJoCoModel, frameSkip: Int) throws -> EnvironmentCore
    func reset(_ core: EnvironmentCore, using rng: inout SplitMix64) -> [Double]
    func step(_ core: EnvironmentCore, _ action: [Double]) throws -> StepResult
    func modelRewards(
        actions: UnsafeBufferPointer<Double>, nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>)
    func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
}

/// An environment whose observation, reward, termination and reset are one ``TaskRules`` value: the common body of
/// the Gymnasium tasks that differ only in their numbers (each subclass adds its model file and frame skip).
public class RuledTask: MuJoCoEnvironment {
    let core: EnvironmentCore
    let rules: any TaskRules

    init(model: MuJoCoModel, frameSkip: Int, rules: any TaskRules) throws {
        core = try rules.makeCore(model: model, frameSkip: frameSkip)
        self.rules = rules
    }

    public var spec: EnvironmentSpec { core.spec }
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }
    public func reset(using rng: inout SplitMix64) -> [Double] { rules.reset(core, using: &rng) }
    public func step(_ action: [Double]) throws -> StepResult { try rules.step(core, action) }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        rules.modelRewards(actions: actions, nextObservations: nextObservations, into: rewards)
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        rules.modelDones(nextObservations: nextObservations, into: dones)
    }
}
