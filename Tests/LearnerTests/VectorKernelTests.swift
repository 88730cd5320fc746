import Core
import Learner
import Testing

/// The C element-wise kernels give the bits of their Swift reference expressions at every vector width this
/// processor runs (baseline SSE2, AVX2, AVX-512F), tails included.
@Suite("Element-wise kernels at every vector width")
struct VectorKernelTests {
    /// Counts that exercise full vectors and every tail length of 2-, 4- and 8-lane loops.
    static let counts = [1, 3, 7, 8, 9, 16, 17, 31, 100, 1003]

    /// Inputs for tanh: a fine sweep over [-25, 25] (both clamps), random values, and special values.
    static func tanhInputs() -> [Double] {
        var values = stride(from: -25.0, through: 25.0, by: 0.0137).map { $0 }
        var rng = SplitMix64(seed: 41)
        values += (0..<2_000).map { _ in rng.nextUniform(-6, 6) }
        values += [
            0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, 19.999999, 20, 20.000001, -20, 700, -1e308,
            .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
        ]
        return values
    }

    @Test("tanh: every variant equals PolicyTanh.value bit for bit", arguments: VectorLevel.available)
    func tanhMatchesReference(level: VectorLevel) {
        let inputs = Self.tanhInputs()
        let reference = inputs.map(PolicyTanh.value)
        for count in Self.counts + [inputs.count] {
            for start in stride(from: 0, to: inputs.count - count + 1, by: max(count, 997)) {
                var x = Array(inputs[start..<(start + count)])
                x.withUnsafeMutableBufferPointer {
                    ElementwiseKernels.tanh($0.baseAddress!, count: count, level: level)
                }
                for i in 0..<count {
                    let expected = reference[start + i]
                    #expect(
                        expected.isNaN ? x[i].isNaN : x[i].bitPattern == expected.bitPattern,
                        "tanh(\(inputs[start + i])) = \(x[i]), reference \(expected) (\(level), count \(count))")
                }
            }
        }
    }

    @Test("tanh: the array entry point runs the widest variant's bits")
    func applyMatchesReference() {
        var x = Self.tanhInputs()
        let reference = x.map(PolicyTanh.value)
        x.withUnsafeMutableBufferPointer { PolicyTanh.apply($0.baseAddress!, count: $0.count) }
        #expect(zip(x, reference).allSatisfy { $1.isNaN ? $0.isNaN : $0.bitPattern == $1.bitPattern })
    }

    /// Three Adam steps with the kernel at `level` and with the scalar Swift expressions; (kernel, reference) as
    /// [θ, m, v].
    static func adamSteps<S: GEMMScalar>(
        _: S.Type, level: VectorLevel, count: Int
    )
        -> (kernel: [[S]], reference: [[S]])
    {
        var theta: [S] = (0..<count).map { S($0 % 23) * S(0.07) - S(0.8) }
        var m = [S](repeating: 0, count: count), v = m
        var (rTheta, rM, rV) = (theta, m, v)
        let (b1, b2, eps) = (S(0.9), S(0.999), S(1e-8))
        for step in 1...3 {
            let g: [S] = (0..<count).map { S(($0 * 5 + step * 7) % 13) * S(0.04) - S(0.26) }
            let lr = S(0.001) * S(step)
            theta.withUnsafeMutableBufferPointer { p in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        g.withUnsafeBufferPointer { gb in
                            ElementwiseKernels.adamStep(
                                level: level, parameters: p.baseAddress!,
                                firstMoment: mb.baseAddress!, secondMoment: vb.baseAddress!,
                                gradient: gb.baseAddress!, count: count, rate: lr, b1: b1,
                                c1: 1 - b1, b2: b2, c2: 1 - b2, epsilon: eps)
                        }
                    }
                }
            }
            for i in 0..<count {
                rM[i] = b1 * rM[i] + (1 - b1) * g[i]
                rV[i] = b2 * rV[i] + ((1 - b2) * g[i]) * g[i]
                rTheta[i] = rTheta[i] - (lr * rM[i]) / (rV[i].squareRoot() + eps)
            }
        }
        return ([theta, m, v], [rTheta, rM, rV])
    }

    @Test(
        "Adam: every variant equals the scalar expressions bit for bit (Float and Double)",
        arguments: VectorLevel.available)
    func adamMatchesReference(level: VectorLevel) {
        for count in Self.counts {
            let single = Self.adamSteps(Float.self, level: level, count: count)
            #expect(
                single.kernel.map { $0.map(\.bitPattern) } == single.reference.map { $0.map(\.bitPattern) },
                "Float, \(level), count \(count)")
            let double = Self.adamSteps(Double.self, level: level, count: count)
            #expect(
                double.kernel.map { $0.map(\.bitPattern) } == double.reference.map { $0.map(\.bitPattern) },
                "Double, \(level), count \(count)")
        }
    }
}
