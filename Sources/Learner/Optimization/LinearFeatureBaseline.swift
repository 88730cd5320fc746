/// The paths of one task in struct-of-arrays form, as advantage estimation consumes them.
public struct PathBatch: Sendable {
    /// Observation length.
    public let observationSize: Int
    /// Observations before each step, paths concatenated (total × observationSize).
    public var observations: [Double]
    /// Reward of each step, paths concatenated (total).
    public var rewards: [Double]
    /// Length of each path; they sum to `rewards.count`.
    public var lengths: [Int]

    /// Creates a batch, checking that the sizes agree.
    public init(observationSize: Int, observations: [Double], rewards: [Double], lengths: [Int]) {
        precondition(
            lengths.reduce(0, +) == rewards.count,
            "path lengths sum to \(lengths.reduce(0, +)) but there are \(rewards.count) rewards")
        precondition(
            observations.count == rewards.count * observationSize,
            "observations: expected \(rewards.count * observationSize) entries, got \(observations.count)")
        self.observationSize = observationSize
        self.observations = observations
        self.rewards = rewards
        self.lengths = lengths
    }

    /// Total number of steps.
    public var count: Int { rewards.count }

    /// (start, length) of each path.
    public var ranges: [Range<Int>] {
        var start = 0
        return lengths.map { length in
            defer { start += length }
            return start..<(start + length)
        }
    }
}

/// rllab's linear feature baseline: V(o_t) = φ(o_t, t) · w fitted by ridge regression (docs/algorithm.md §3.2).
///
/// φ = [clip(o, ±10), clip(o, ±10)², t/100, (t/100)², (t/100)³, 1] with t the step index within its path. Fitting
/// solves (ΦᵀΦ + c I) w = Φᵀ G by Cholesky in Double with c = 1e-5, multiplied by 10 (at most 5 attempts) while the
/// solution has NaNs. Before the first fit it predicts zeros.
public struct LinearFeatureBaseline: Codable, Equatable, Sendable {
    /// Initial ridge coefficient c.
    public var regularization: Double
    /// Fitted weights w (featureCount), or nil before the first fit.
    public private(set) var coefficients: [Double]?

    /// An unfitted baseline.
    public init(regularization: Double = 1e-5) {
        self.regularization = regularization
        coefficients = nil
    }

    /// A baseline with given weights (featureCount), as saved in a checkpoint; nil: unfitted.
    public init(regularization: Double = 1e-5, coefficients: [Double]?) {
        self.regularization = regularization
        self.coefficients = coefficients
    }

    /// Number of features for an observation length: 2·observationSize + 4.
    public static func featureCount(observationSize: Int) -> Int { 2 * observationSize + 4 }

    /// Φ (total × featureCount), row-major.
    public static func features(_ paths: PathBatch) -> [Double] {
        let o = paths.observationSize, f = featureCount(observationSize: o)
        var phi = [Double](repeating: 0, count: paths.count * f)
        for range in paths.ranges {
            for t in range {
                let row = t * f, step = Double(t - range.lowerBound) / 100
                for j in 0..<o {
                    let v = min(max(paths.observations[t * o + j], -10), 10)
                    phi[row + j] = v
                    phi[row + o + j] = v * v
                }
                phi[row + 2 * o] = step
                phi[row + 2 * o + 1] = step * step
                phi[row + 2 * o + 2] = step * step * step
                phi[row + 2 * o + 3] = 1
            }
        }
        return phi
    }

    /// Fits w to the per-step `targets` (discounted returns) of `paths`.
    public mutating func fit(_ paths: PathBatch, targets: [Double]) {
        precondition(targets.count == paths.count, "need one target per step: \(targets.count) vs \(paths.count)")
        let f = Self.featureCount(observationSize: paths.observationSize), n = paths.count
        let phi = Self.features(paths)
        var gram = [Double](repeating: 0, count: f * f)
        if n > 0 {
            phi.withUnsafeBufferPointer { p in
                gram.withUnsafeMutableBufferPointer { g in
                    BLAS.dgemm(
                        transposeA: true, m: f, n: f, k: n, a: p.baseAddress!, lda: f, b: p.baseAddress!, ldb: f,
                        c: g.baseAddress!, ldc: f)
                }
            }
        }
        var rhs = [Double](repeating: 0, count: f)
        for t in 0..<n {
            for j in 0..<f { rhs[j] += phi[t * f + j] * targets[t] }
        }
        var c = regularization
        var solution = [Double](repeating: .nan, count: f)
        for _ in 0..<5 {
            var a = gram
            for j in 0..<f { a[j * f + j] += c }
            solution = Self.choleskySolve(a, size: f, rhs) ?? [Double](repeating: .nan, count: f)
            if !solution.contains(where: { $0.isNaN }) { break }
            c *= 10
        }
        coefficients = solution
    }

    /// V(o_t) for every step of `paths` (zeros before the first fit).
    public func predict(_ paths: PathBatch) -> [Double] {
        guard let w = coefficients else { return [Double](repeating: 0, count: paths.count) }
        let f = w.count, phi = Self.features(paths)
        return (0..<paths.count).map { t in
            var v = 0.0
            for j in 0..<f { v += phi[t * f + j] * w[j] }
            return v
        }
    }

    /// Solves A x = b for symmetric positive-definite A (n × n, row-major) by Cholesky A = L Lᵀ; nil if A is not
    /// numerically positive definite (a non-positive or NaN pivot).
    public static func choleskySolve(_ a: [Double], size n: Int, _ b: [Double]) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }
}

extension LinearFeatureBaseline {
    /// The names of a persistent baseline's parts in an ``AlgorithmState``.
    static let regularizationName = "baseline/regularization", coefficientsName = "baseline/coefficients"

    /// The baseline's parts for an algorithm's state (``regularizationName``, ``coefficientsName``).
    var stateArrays: [String: AlgorithmState.Tensor] {
        [
            Self.regularizationName: .init([regularization]),
            Self.coefficientsName: .init(coefficients ?? []),
        ]
    }

    /// The baseline saved in `state` for observations of `observationSize`; throws unless its parts are there and
    /// fit (no coefficients: a baseline not fitted yet).
    init(state: AlgorithmState, observationSize: Int) throws {
        let regularization = try state.array(Self.regularizationName)
        let coefficients = try state.array(Self.coefficientsName)
        let features = LinearFeatureBaseline.featureCount(observationSize: observationSize)
        guard regularization.shape == [1], coefficients.shape.count == 1,
            coefficients.values.isEmpty || coefficients.values.count == features
        else {
            throw TrainingStateError("the saved baseline does not fit this configuration")
        }
        self.init(
            regularization: regularization.values[0],
            coefficients: coefficients.values.isEmpty ? nil : coefficients.values)
    }
}

/// A trainer whose own state is one persistent linear baseline (ME-TRPO, TRPO): its state is the baseline's parts.
protocol KeepsLinearBaseline: Trainer {
    var baseline: LinearFeatureBaseline { get set }
}

extension KeepsLinearBaseline {
    public var algorithmState: AlgorithmState { AlgorithmState(baseline.stateArrays) }

    public func validateAlgorithmState(_ state: AlgorithmState) throws {
        _ = try LinearFeatureBaseline(state: state, observationSize: context.spec.observationSize)
    }

    public func restoreAlgorithmState(_ state: AlgorithmState) {
        if let saved = try? LinearFeatureBaseline(state: state, observationSize: context.spec.observationSize) {
            baseline = saved
        }
    }
}
