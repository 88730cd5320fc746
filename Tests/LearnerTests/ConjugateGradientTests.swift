import Core
import Learner
import Testing
import _TestSupport

@Suite struct ConjugateGradientTests {
    /// A = BᵀB + I (6 × 6, SPD) and a right-hand side.
    static func system() -> (a: [Double], b: [Double]) {
        var rng = SplitMix64(seed: 2)
        let n = 6
        let m = (0..<(n * n)).map { _ in rng.nextGaussian() }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                for k in 0..<n { a[i * n + j] += m[k * n + i] * m[k * n + j] }
                if i == j { a[i * n + j] += 1 }
            }
        }
        return (a, (0..<n).map { _ in rng.nextGaussian() })
    }

    static func multiply(_ a: [Double], _ v: [Double]) -> [Double] {
        let n = v.count
        return (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i * n + $1] * v[$1] } }
    }

    @Test func solvesASymmetricPositiveDefiniteSystem() throws {
        let (a, b) = Self.system()
        let exact = try #require(LinearFeatureBaseline.choleskySolve(a, size: 6, b))
        // n iterations solve an n × n system exactly (up to rounding)
        let result = conjugateGradient(b: b, iterations: 10, residualTolerance: 1e-20) { Self.multiply(a, $0) }
        #expect(maxRelativeError(result.solution, exact, floor: 1e-8) < 1e-8)
        // too few iterations do not
        let short = conjugateGradient(b: b, iterations: 2) { Self.multiply(a, $0) }
        #expect(maxRelativeError(short.solution, exact, floor: 1e-8) > 1e-3)
    }

    @Test func residualGivesTheProductOfTheSolution() {
        let (a, b) = Self.system()
        let result = conjugateGradient(b: b, iterations: 4) { Self.multiply(a, $0) }
        let explicit = Self.multiply(a, result.solution)
        #expect(maxRelativeError(result.productOfSolution(b: b), explicit, floor: 1e-8) < 1e-10)
    }

    @Test func stopsOnceTheResidualIsSmall() {
        // A = 2I: one step solves it, the residual is 0 and CG stops
        var calls = 0
        let b = [1.0, -2, 3]
        let result = conjugateGradient(b: b, iterations: 10) { v in
            calls += 1
            return v.map { 2 * $0 }
        }
        #expect(calls == 1 && result.iterations == 1)
        #expect(result.solution == [0.5, -1, 1.5])
    }
}
