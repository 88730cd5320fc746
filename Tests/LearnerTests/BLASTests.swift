import Core
import Learner
import Testing

@Suite struct BLASTests {
    /// sgemm/dgemm against a plain triple loop, with transposes and beta accumulation.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveProduct(_ transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        let (m, n, k) = (7, 5, 9)
        var rng = SplitMix64(seed: 1)
        let a = (0..<(m * k)).map { _ in rng.nextUniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in rng.nextUniform(-1, 1) }
        let c0 = (0..<(m * n)).map { _ in rng.nextUniform(-1, 1) }
        // stored shapes: A is (m × k) or (k × m) when transposed; B is (k × n) or (n × k)
        func aAt(_ i: Int, _ p: Int) -> Double { ta ? a[p * m + i] : a[i * k + p] }
        func bAt(_ p: Int, _ j: Int) -> Double { tb ? b[j * k + p] : b[p * n + j] }
        var expected = c0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += aAt(i, p) * bAt(p, j) }
                expected[i * n + j] = 0.5 * sum + 2 * c0[i * n + j]
            }
        }
        var c = c0
        BLAS.dgemm(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: ta ? m : k,
            b: b, ldb: tb ? k : n, beta: 2, c: &c, ldc: n)
        for i in 0..<c.count { #expect(abs(c[i] - expected[i]) < 1e-12) }

        let af = a.map(Float.init), bf = b.map(Float.init)
        var cf = c0.map(Float.init)
        BLAS.sgemm(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: af, lda: ta ? m : k,
            b: bf, ldb: tb ? k : n, beta: 2, c: &cf, ldc: n)
        for i in 0..<cf.count { #expect(abs(Double(cf[i]) - expected[i]) < 1e-5) }
    }
}
