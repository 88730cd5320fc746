import Core
import Learner
import Testing
import _TestSupport

@Suite("Weight normalization")
struct WeightNormalizationTests {
    let inputSize = 4, outputSize = 3

    func effective(_ v: [Double], _ g: [Double]) -> (weights: [Double], norms: [Double], scales: [Double]) {
        var w = [Double](repeating: 0, count: inputSize * outputSize), n = [Double](repeating: 0, count: outputSize)
        var s = n
        withPointers(v) { vp in
            withPointers(g) { gp in
                w.withUnsafeMutableBufferPointer { wp in
                    n.withUnsafeMutableBufferPointer { np in
                        s.withUnsafeMutableBufferPointer { sp in
                            WeightNormalization.effectiveWeights(
                                direction: vp, gain: gp, inputSize: inputSize,
                                outputSize: outputSize,
                                norms: np.baseAddress.unsafelyUnwrapped,
                                scales: sp.baseAddress.unsafelyUnwrapped,
                                weights: wp.baseAddress.unsafelyUnwrapped)
                        }
                    }
                }
            }
        }
        return (w, n, s)
    }

    @Test("effective columns have norm |g_j| and the direction of V[:, j]")
    func columnsHaveGainNorm() {
        let v = randomValues(inputSize * outputSize, seed: 10), g: [Double] = [1, 2.5, -0.5]
        let (w, norms, scales) = effective(v, g)
        for j in 0..<outputSize {
            #expect(scales[j] == g[j] / norms[j])
            let column = (0..<inputSize).map { w[$0 * outputSize + j] }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - abs(g[j])) < 1e-12)
            let vNorm = (0..<inputSize).map { v[$0 * outputSize + j] * v[$0 * outputSize + j] }.reduce(0, +)
            #expect(abs(norms[j] - vNorm.squareRoot()) < 1e-12)
            #expect(abs(w[j] - v[j] * g[j] / vNorm.squareRoot()) < 1e-12)
        }
    }

    @Test("backward (dV, dg) matches central finite differences")
    func backwardMatchesFiniteDifferences() {
        let v = randomValues(inputSize * outputSize, seed: 11)
        let g = randomValues(outputSize, seed: 12).map { $0 + 1.5 }
        let c = randomValues(inputSize * outputSize, seed: 13)  // L = Σ c ⊙ W(V, g), so dL/dW = c
        let (_, norms, scales) = effective(v, g)
        var dv = c, dg = [Double](repeating: 0, count: outputSize), scratch = dg
        withPointers(v) { vp in
            withPointers(scales) { sp in
                withPointers(norms) { np in
                    dv.withUnsafeMutableBufferPointer { dvp in
                        dg.withUnsafeMutableBufferPointer { dgp in
                            scratch.withUnsafeMutableBufferPointer { tp in
                                WeightNormalization.backward(
                                    direction: vp, norms: np, scales: sp, inputSize: inputSize,
                                    outputSize: outputSize, gradient: dvp.baseAddress.unsafelyUnwrapped,
                                    gainGradient: dgp.baseAddress.unsafelyUnwrapped,
                                    scratch: tp.baseAddress.unsafelyUnwrapped)
                            }
                        }
                    }
                }
            }
        }
        let numeric = finiteDifferenceGradient(at: v + g) { p in
            let w = effective(Array(p[0..<(inputSize * outputSize)]), Array(p[(inputSize * outputSize)...])).weights
            return zip(w, c).reduce(0) { $0 + $1.0 * $1.1 }
        }
        expectGradientsMatch(dv + dg, numeric)
    }
}
