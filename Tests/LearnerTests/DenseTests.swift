import Core
import Learner
import Testing
import _TestSupport

/// Uniform values in [-1, 1) from a seeded generator.
func randomValues(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in rng.nextUniform(-1, 1) }
}

/// Runs `body` with base addresses of arrays (all non-empty in these tests).
func withPointers<R>(_ a: [Double], _ body: (UnsafePointer<Double>) -> R) -> R {
    a.withUnsafeBufferPointer { body($0.baseAddress.unsafelyUnwrapped) }
}

/// Asserts that an analytic gradient matches central finite differences and was not produced by the same arithmetic.
func expectGradientsMatch(
    _ analytic: [Double], _ numeric: [Double], tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(maxRelativeError(analytic, numeric) < tolerance, sourceLocation: sourceLocation)
    #expect(
        analytic != numeric, "analytic and finite-difference gradients are bit-identical",
        sourceLocation: sourceLocation)
}

@Suite("Dense layer kernels")
struct DenseTests {
    let rows = 3, inputSize = 4, outputSize = 5

    /// L = Σ c ⊙ (x·W + b) for parameters packed as [x, W, b].
    func weightedOutput(_ packed: [Double], weights c: [Double]) -> Double {
        let (x, w, b) = unpack(packed)
        var y = [Double](repeating: 0, count: rows * outputSize)
        withPointers(x) { xp in
            withPointers(w) { wp in
                withPointers(b) { bp in
                    y.withUnsafeMutableBufferPointer {
                        Dense.forward(
                            input: xp, rows: rows, inputSize: inputSize, outputSize: outputSize,
                            weights: wp, bias: bp, output: $0.baseAddress.unsafelyUnwrapped)
                    }
                }
            }
        }
        return zip(y, c).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func unpack(_ p: [Double]) -> ([Double], [Double], [Double]) {
        let nx = rows * inputSize, nw = inputSize * outputSize
        return (Array(p[0..<nx]), Array(p[nx..<(nx + nw)]), Array(p[(nx + nw)...]))
    }

    @Test("forward equals a hand-computed product")
    func forwardByHand() {
        // x = [[1, 2]], W = [[1, 0, 2], [3, 1, -1]], b = [0.5, -1, 0] → y = [7.5, 1, 0]
        let x: [Double] = [1, 2], w: [Double] = [1, 0, 2, 3, 1, -1], b: [Double] = [0.5, -1, 0]
        var y = [Double](repeating: 9, count: 3)
        withPointers(x) { xp in
            withPointers(w) { wp in
                withPointers(b) { bp in
                    y.withUnsafeMutableBufferPointer {
                        Dense.forward(
                            input: xp, rows: 1, inputSize: 2, outputSize: 3, weights: wp, bias: bp,
                            output: $0.baseAddress.unsafelyUnwrapped)
                    }
                }
            }
        }
        #expect(y == [7.5, 1, 0])
    }

    @Test("backward (dx, dW, db) matches central finite differences")
    func backwardMatchesFiniteDifferences() {
        let packed = randomValues(rows * inputSize + inputSize * outputSize + outputSize, seed: 1)
        let c = randomValues(rows * outputSize, seed: 2)
        let (x, w, _) = unpack(packed)
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: outputSize)
        withPointers(x) { xp in
            withPointers(w) { wp in
                withPointers(c) { cp in
                    dx.withUnsafeMutableBufferPointer { dxp in
                        dw.withUnsafeMutableBufferPointer { dwp in
                            db.withUnsafeMutableBufferPointer { dbp in
                                Dense.backward(
                                    input: xp, outputGradient: cp, rows: rows, inputSize: inputSize,
                                    outputSize: outputSize, weights: wp, inputGradient: dxp.baseAddress,
                                    weightGradient: dwp.baseAddress.unsafelyUnwrapped,
                                    biasGradient: dbp.baseAddress.unsafelyUnwrapped)
                            }
                        }
                    }
                }
            }
        }
        let numeric = finiteDifferenceGradient(at: packed) { weightedOutput($0, weights: c) }
        expectGradientsMatch(dx + dw + db, numeric)
    }

    @Test("activation backward matches finite differences", arguments: [Activation.relu, .tanh, .identity])
    func activationBackward(_ activation: Activation) {
        let z = randomValues(12, seed: 3).map { $0 * 2 }
        let c = randomValues(12, seed: 4)
        func loss(_ z: [Double]) -> Double {
            var y = z
            y.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress.unsafelyUnwrapped, count: 12) }
            return zip(y, c).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var y = z
        y.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress.unsafelyUnwrapped, count: 12) }
        var gradient = c
        withPointers(y) { yp in
            gradient.withUnsafeMutableBufferPointer {
                activation.backward(output: yp, gradient: $0.baseAddress.unsafelyUnwrapped, count: 12)
            }
        }
        expectGradientsMatch(gradient, finiteDifferenceGradient(at: z, loss))
    }

    @Test("mean squared error: hand value and gradient against finite differences")
    func meanSquaredError() {
        // p = [1, 2, 4], t = [0, 2, 1] → L = (1 + 0 + 9)/3
        let byHand = withPointers([1, 2, 4]) { p in
            withPointers([0, 2, 1]) { t in
                MeanSquaredError.value(prediction: p, target: t, count: 3)
            }
        }
        #expect(byHand == 10.0 / 3.0)
        let p = randomValues(10, seed: 5), t = randomValues(10, seed: 6)
        var gradient = [Double](repeating: 0, count: 10)
        let value = withPointers(p) { pp in
            withPointers(t) { tp in
                gradient.withUnsafeMutableBufferPointer {
                    MeanSquaredError.valueAndGradient(
                        prediction: pp, target: tp, count: 10,
                        gradient: $0.baseAddress.unsafelyUnwrapped)
                }
            }
        }
        let numeric = finiteDifferenceGradient(at: p) { q in
            withPointers(q) { qp in withPointers(t) { MeanSquaredError.value(prediction: qp, target: $0, count: 10) } }
        }
        let direct = withPointers(p) { pp in
            withPointers(t) { MeanSquaredError.value(prediction: pp, target: $0, count: 10) }
        }
        #expect(abs(value - direct) < 1e-15)
        expectGradientsMatch(gradient, numeric)
    }
}
