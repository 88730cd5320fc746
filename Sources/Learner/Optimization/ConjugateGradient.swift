/// What ``conjugateGradient(b:iterations:residualTolerance:product:)`` returns.
public struct ConjugateGradientResult: Sendable {
    /// Approximate solution x of A x = b.
    public var solution: [Double]
    /// Recursively updated residual r = b − A x.
    public var residual: [Double]
    /// Iterations run (each costs one product).
    public var iterations: Int

    /// A x recovered as b − r without another product (exact in exact arithmetic).
    public func productOfSolution(b: [Double]) -> [Double] {
        (0..<b.count).map { b[$0] - residual[$0] }
    }
}

/// Solves A x = b for symmetric positive-definite A given only products v ↦ A v (rllab's `cg`).
///
/// x0 = 0, r0 = p0 = b; at most `iterations` steps; stops after the step in which rᵀr drops below
/// `residualTolerance`. Equivalent to `np.linalg.solve(A, b)` after n steps for an n × n system.
public func conjugateGradient(
    b: [Double], iterations: Int, residualTolerance: Double = 1e-10,
    product: ([Double]) -> [Double]
) -> ConjugateGradientResult {
    let n = b.count
    var x = [Double](repeating: 0, count: n), r = b, p = b
    var rr = parameterDot(r, r), done = 0
    for _ in 0..<iterations {
        let z = product(p)
        let step = rr / parameterDot(p, z)
        for k in 0..<n {
            x[k] += step * p[k]
            r[k] -= step * z[k]
        }
        let newRR = parameterDot(r, r)
        let mu = newRR / rr
        for k in 0..<n { p[k] = r[k] + mu * p[k] }
        rr = newRR
        done += 1
        if rr < residualTolerance { break }
    }
    return ConjugateGradientResult(solution: x, residual: r, iterations: done)
}

/// Σ_k a_k b_k in index order.
@inline(__always)
func parameterDot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for k in 0..<a.count { sum += a[k] * b[k] }
    return sum
}
