import Learner
import Testing
import _TestSupport

@Suite("Adam")
struct AdamTests {
    @Test("two steps equal a hand computation of TF1 Adam")
    func handComputedSteps() {
        var adam = Adam<Double>(parameterCount: 2, learningRate: 0.1)
        var theta: [Double] = [1, -2]
        // step 1, g = [0.5, -1]: m = 0.1 g, v = 0.001 g², lr₁ = 0.1·√0.001/0.1 = √0.001
        // θ -= √0.001 · 0.1g / (√0.001·|g| + 1e-8) ≈ θ − 0.1·sign(g)
        adam.update(parameters: &theta, gradient: [0.5, -1])
        let lr1 = 0.1 * (1 - 0.999).squareRoot() / (1 - 0.9)
        let expected1 = [1 - lr1 * 0.05 / ((0.001 * 0.25).squareRoot() + 1e-8),
                         -2 + lr1 * 0.1 / ((0.001 * 1).squareRoot() + 1e-8)]
        #expect(maxRelativeError(theta, expected1, floor: 1e-12) < 1e-14)
        #expect(abs(theta[0] - 0.9) < 1e-6)
        // step 2, g = [0.2, 0.0]: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g², lr₂ = 0.1·√(1−0.999²)/(1−0.9²)
        adam.update(parameters: &theta, gradient: [0.2, 0])
        let m = [0.9 * 0.05 + 0.02, 0.9 * -0.1], v = [0.999 * 0.00025 + 0.001 * 0.04, 0.999 * 0.001]
        let lr2 = 0.1 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.81)
        let expected2 = (0..<2).map { expected1[$0] - lr2 * m[$0] / (v[$0].squareRoot() + 1e-8) }
        #expect(maxRelativeError(theta, expected2, floor: 1e-12) < 1e-14)
        #expect(adam.step == 2)
    }
}

@Suite("Adam, vector path")
struct AdamVectorPathTests {
    @Test("19 parameters (two 8-lane blocks and a tail) equal a scalar reference bit for bit over 3 steps")
    func vectorPathMatchesScalarReference() {
        var adam = Adam<Float>(parameterCount: 19, learningRate: 0.01)
        var theta: [Float] = (0..<19).map { Float($0) * 0.1 - 0.9 }
        var reference = theta, m = [Float](repeating: 0, count: 19), v = m
        for step in 1...3 {
            let g: [Float] = (0..<19).map { Float(($0 * 7 + step * 3) % 11) * 0.05 - 0.25 }
            adam.update(parameters: &theta, gradient: g)
            let t = Double(step)
            let lr = Float(0.01 * (1 - _powForTests(0.999, t)).squareRoot() / (1 - _powForTests(0.9, t)))
            for i in 0..<19 {
                m[i] = Float(0.9) * m[i] + (1 - Float(0.9)) * g[i]
                v[i] = Float(0.999) * v[i] + (1 - Float(0.999)) * g[i] * g[i]
                reference[i] -= lr * m[i] / (v[i].squareRoot() + Float(1e-8))
            }
        }
        #expect(theta == reference)
        #expect(adam.firstMoment == m && adam.secondMoment == v)
    }
}
