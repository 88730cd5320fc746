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
        let expected1 = [
            1 - lr1 * 0.05 / ((0.001 * 0.25).squareRoot() + 1e-8),
            -2 + lr1 * 0.1 / ((0.001 * 1).squareRoot() + 1e-8),
        ]
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
    /// Runs `steps` updates of Adam<S> on `count` parameters and the same updates written out element by element in
    /// Swift; returns (optimizer θ, m, v) and (reference θ, m, v).
    static func run<S: GEMMScalar>(
        _: S.Type, count: Int, steps: Int, poison: Int? = nil
    )
        -> (adam: [[S]], reference: [[S]])
    {
        var adam = Adam<S>(parameterCount: count, learningRate: 0.01)
        var theta: [S] = (0..<count).map { S($0 % 19) * S(0.1) - S(0.9) }
        var reference = theta, m = [S](repeating: 0, count: count), v = m
        for step in 1...steps {
            var g: [S] = (0..<count).map { S(($0 * 7 + step * 3) % 11) * S(0.05) - S(0.25) }
            if let poison, step == steps { g[poison] = .nan }
            adam.update(parameters: &theta, gradient: g)
            let t = Double(step)
            let lr = S(0.01 * (1 - _powForTests(0.999, t)).squareRoot() / (1 - _powForTests(0.9, t)))
            for i in 0..<count {
                m[i] = S(0.9) * m[i] + (1 - S(0.9)) * g[i]
                v[i] = S(0.999) * v[i] + (1 - S(0.999)) * g[i] * g[i]
                reference[i] -= lr * m[i] / (v[i].squareRoot() + S(1e-8))
            }
        }
        return ([theta, adam.firstMoment, adam.secondMoment], [reference, m, v])
    }

    @Test(
        "vectorized steps equal a scalar reference bit for bit (Float and Double, block sizes and tails)",
        arguments: [1, 7, 19, 64, 1003])
    func vectorPathMatchesScalarReference(count: Int) {
        let single = Self.run(Float.self, count: count, steps: 3)
        #expect(single.adam == single.reference)
        let double = Self.run(Double.self, count: count, steps: 3)
        #expect(double.adam == double.reference)
    }

    @Test("a NaN gradient poisons exactly its own parameter and moments")
    func nanStaysLocal() {
        let result = Self.run(Float.self, count: 40, steps: 2, poison: 13)
        for (values, reference) in zip(result.adam, result.reference) {
            #expect(values[13].isNaN)
            #expect(values.indices.filter { values[$0].isNaN } == [13])
            #expect(zip(values, reference).enumerated().allSatisfy { $0.offset == 13 || $0.element.0 == $0.element.1 })
        }
    }
}
