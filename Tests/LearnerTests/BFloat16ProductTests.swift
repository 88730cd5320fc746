import Core
import Learner
import Testing
import _TestSupport

/// The bfloat16 product kernel (``MatrixPrecision/bfloat16``): exact against a reference on rounded operands, and
/// networks and ensembles that use it stay close to float32 and deterministic.
@Suite(.enabled(if: MatrixPrecision.isBFloat16Supported, "this CPU has no AVX512-BF16"))
struct BFloat16ProductTests {
    /// Uniform values in [-0.5, 0.5).
    static func values(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(rng.nextUniform(-0.5, 0.5)) }
    }

    @Test("rounding to bfloat16: nearest, ties to even, specials kept")
    func rounding() {
        #expect(BFloat16Kernel.rounded(1 + 0x1p-8) == 1)  // tie, 1 is even
        #expect(BFloat16Kernel.rounded(1 + 3 * 0x1p-8) == 1 + 0x1p-6)  // tie, rounds up to the even neighbour
        #expect(BFloat16Kernel.rounded(1 + 0x1p-8 + 0x1p-20) == 1 + 0x1p-7)
        #expect(BFloat16Kernel.rounded(-1.75) == -1.75)
        #expect(BFloat16Kernel.rounded(.infinity) == .infinity)
        #expect(BFloat16Kernel.rounded(.nan).isNaN)
        var rng = SplitMix64(seed: 3)
        for x in Self.values(1_000, &rng) {
            let r = BFloat16Kernel.rounded(x)
            #expect(r.bitPattern & 0xFFFF == 0)
            #expect(abs(r - x) <= abs(x) * 0x1p-8)
        }
    }

    @Test(
        "every transpose combination, odd sizes, strides, beta and bias: equal to the rounded-operand product",
        arguments: [(13, 37, 29), (1, 1, 1), (12, 32, 2), (25, 65, 64), (70, 33, 3), (130, 100, 131)])
    func kernelMatchesReference(_ size: (Int, Int, Int)) {
        let (m, n, k) = size
        var rng = SplitMix64(seed: UInt64(m * 1_000 + n * 10 + k))
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for (beta, withBias) in [(Float(0), false), (0.25, false), (0, true), (0.25, true)] {
                let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2
                let a = Self.values((ta ? k : m) * lda, &rng), b = Self.values((tb ? n : k) * ldb, &rng)
                let c0 = Self.values(m * ldc, &rng), bias = Self.values(n, &rng)
                var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : c0
                for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = c0[i * ldc + j] } }
                bias.withUnsafeBufferPointer { biasPointer in
                    BFloat16Kernel.gemm(
                        transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda,
                        b: b, ldb: ldb, beta: beta, bias: withBias ? biasPointer.baseAddress : nil,
                        c: &c, ldc: ldc)
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = Double(BFloat16Kernel.rounded(ta ? a[p * lda + i] : a[i * lda + p]))
                            let y = Double(BFloat16Kernel.rounded(tb ? b[j * ldb + p] : b[p * ldb + j]))
                            sum += x * y
                            magnitude += abs(x * y)
                        }
                        let added = Double(beta) * Double(c0[i * ldc + j]) + (withBias ? Double(bias[j]) : 0)
                        let reference = 0.75 * sum + added
                        let scale =
                            0.75 * magnitude + abs(Double(beta) * Double(c0[i * ldc + j]))
                            + (withBias ? abs(Double(bias[j])) : 0) + 1e-30
                        worst = max(worst, abs(Double(c[i * ldc + j]) - reference) / scale)
                    }
                    for j in n..<ldc { #expect(c[i * ldc + j] == c0[i * ldc + j], "column \(j) beyond n was written") }
                }
                // float32 sums of exactly representable products: only the accumulation's rounding remains
                #expect(
                    worst < Double(k + 3) * 0x1p-24,
                    "m \(m) n \(n) k \(k) transposes \(ta) \(tb) beta \(beta) bias \(withBias)")
            }
        }
    }

    /// A network with a 64-or-wider hidden pair, so that its middle products run in bfloat16.
    static func network(_ precision: MatrixPrecision) -> MLP<Float> {
        var rng = SplitMix64(seed: 11)
        var net = MLP<Float>(layerSizes: [9, 96, 80, 7], activation: .relu, weightNormalization: true, using: &rng)
        net.matrixPrecision = precision
        return net
    }

    @Test("MLP loss and gradient in bfloat16: close to float32's, and as good a descent direction")
    func networkGradientCloseToFloat32() {
        var rng = SplitMix64(seed: 12)
        let rows = 70
        let x = Self.values(rows * 9, &rng), t = Self.values(rows * 7, &rng)
        let single = Self.network(.float32)
        let (lossF, gradF) = single.lossAndGradient(input: x, target: t, rows: rows)
        let (lossB, gradB) = Self.network(.bfloat16).lossAndGradient(input: x, target: t, rows: rows)
        #expect(lossF != lossB)  // the middle layer did run in bfloat16
        #expect(abs(lossB - lossF) < 1e-2 * lossF)
        // bfloat16 keeps 8 significant bits (relative rounding ≤ 2⁻⁹ per operand); through three layers, ReLU units
        // near zero that switch, and the cancelling sums of the weight-norm gains, the gradient moves by ≈ 2 %
        let difference = zip(gradF, gradB).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = gradF.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect((difference / norm).squareRoot() < 5e-2)
        let cosine =
            zip(gradF, gradB).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            / (norm * gradB.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
        #expect(cosine > 0.999)
        // a small step along either gradient lowers the float32 loss by the same amount to within 1 %
        func loss(after gradient: [Float]) -> Double {
            var stepped = single
            stepped.parameters = zip(single.parameters, gradient).map { $0 - 0.05 * $1 }
            return stepped.lossAndGradient(input: x, target: t, rows: rows).loss
        }
        let decreaseF = lossF - loss(after: gradF), decreaseB = lossF - loss(after: gradB)
        #expect(decreaseF > 0 && decreaseB > 0.99 * decreaseF)
    }

    /// An ensemble of 2 × 64 members at `precision`, fitted for a few epochs on pendulum data.
    static func fitted(_ precision: MatrixPrecision, threads: Int) throws -> (DynamicsEnsemble, DynamicsFitReport) {
        var rng = SplitMix64(seed: 21)
        // batches of 256 rows are cut into two slices of 128, so every hidden-to-hidden product has m ≥ 64
        let config = DynamicsConfig(
            members: 3, hiddenSizes: [64, 64], batchSize: 256, maxEpochs: 12,
            bufferCapacity: 10_000, matrixPrecision: precision)
        let ensemble = DynamicsEnsemble(
            config: config, observationSize: 3, actionSize: 1, using: &rng,
            threads: threads)
        let data = pendulumTransitions(count: 900, seed: 31)
        ensemble.add(observations: data.observations, actions: data.actions, nextObservations: data.next)
        return (ensemble, try ensemble.fit())
    }

    @Test("ensemble fit in bfloat16: as good as float32, bit-identical on 1 and 2 workers")
    func ensembleFit() throws {
        let (single, reportSingle) = try Self.fitted(.float32, threads: 1)
        let (one, reportOne) = try Self.fitted(.bfloat16, threads: 1)
        let (two, reportTwo) = try Self.fitted(.bfloat16, threads: 2)
        #expect(withoutTime(reportOne) == withoutTime(reportTwo))
        let sameOnBothWorkerCounts = (0..<one.memberCount).allSatisfy {
            one.parameters(member: $0) == two.parameters(member: $0)
        }
        #expect(sameOnBothWorkerCounts)
        let differsFromFloat32 = one.parameters(member: 0) != single.parameters(member: 0)
        #expect(differsFromFloat32)
        for k in 0..<one.memberCount {
            // the loss fell from its start (≈ 1 for normalized targets) as far as float32's did, within 10 %
            #expect(reportOne.validationLosses[k] < 1.1 * reportSingle.validationLosses[k])
            #expect(reportSingle.validationLosses[k] < 0.5)
        }
        let test = pendulumTransitions(count: 300, seed: 34)
        var rngOne = SplitMix64(seed: 35), rngTwo = SplitMix64(seed: 35)
        let p1 = one.predict(
            observations: test.observations, actions: test.actions, propagation: .blocks,
            using: &rngOne)
        let p2 = two.predict(
            observations: test.observations, actions: test.actions, propagation: .blocks,
            using: &rngTwo)
        let samePredictions = p1 == p2
        #expect(samePredictions)
    }

    @Test("product dispatch: bfloat16 only where m, n and k are all at least 64")
    func dispatchRule() {
        #expect(MatrixPrecision.bfloat16.reducesProduct(m: 64, n: 64, k: 64))
        #expect(!MatrixPrecision.bfloat16.reducesProduct(m: 500, n: 512, k: 23))
        #expect(!MatrixPrecision.bfloat16.reducesProduct(m: 500, n: 17, k: 512))
        #expect(!MatrixPrecision.float32.reducesProduct(m: 512, n: 512, k: 512))
    }
}
