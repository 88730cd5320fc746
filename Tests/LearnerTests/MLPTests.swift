import Core
import Learner
import Testing
import _TestSupport

@Suite("Multilayer perceptron")
struct MLPTests {
    @Test("initialization: gains 1, biases 0, V within the Xavier limit")
    func initialization() {
        var rng = SplitMix64(seed: 20)
        let net = MLP<Double>(layerSizes: [6, 8, 3], activation: .relu, weightNormalization: true, using: &rng)
        #expect(net.parameterCount == 6 * 8 + 8 + 8 + 8 * 3 + 3 + 3)
        let first = net.layers[0]
        let limit = (6.0 / 14.0).squareRoot()
        #expect(net.parameters[first.weights..<(first.weights + 48)].allSatisfy { abs($0) <= limit })
        let gain = first.gain.unsafelyUnwrapped
        #expect(net.parameters[gain..<(gain + 8)].allSatisfy { $0 == 1 })
        #expect(net.parameters[first.bias..<(first.bias + 8)].allSatisfy { $0 == 0 })
    }

    @Test(
        "full MSE gradient matches central finite differences",
        arguments: [(Activation.relu, true), (.tanh, true), (.relu, false), (.tanh, false)])
    func gradientMatchesFiniteDifferences(_ activation: Activation, _ weightNormalization: Bool) {
        var rng = SplitMix64(seed: 21)
        var net = MLP<Double>(
            layerSizes: [3, 7, 5, 2], activation: activation,
            weightNormalization: weightNormalization, using: &rng)
        // move gains and biases off their initial values so that every term of the gradient is exercised
        net.parameters = zip(net.parameters, randomValues(net.parameterCount, seed: 22)).map { $0 + 0.3 * $1 }
        let rows = 4
        let x = randomValues(rows * 3, seed: 23), t = randomValues(rows * 2, seed: 24)
        let analytic = net.lossAndGradient(input: x, target: t, rows: rows)
        var probe = net
        let numeric = finiteDifferenceGradient(at: net.parameters) { p in
            probe.parameters = p
            return probe.lossAndGradient(input: x, target: t, rows: rows).loss
        }
        expectGradientsMatch(analytic.gradient, numeric)
        let y = net(x, rows: rows)
        let mse = zip(y, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
        #expect(abs(analytic.loss - mse) < 1e-14)
    }

    @Test("a batch cut into slices (batchRows = whole batch) sums to the whole-batch loss and gradient")
    func slicesSumToBatch() {
        var rng = SplitMix64(seed: 25)
        let net = MLP<Double>(layerSizes: [3, 6, 2], activation: .relu, weightNormalization: true, using: &rng)
        let x = randomValues(5 * 3, seed: 26), t = randomValues(5 * 2, seed: 27)
        let whole = net.lossAndGradient(input: x, target: t, rows: 5)
        let weights = MLPWeights<Double>(layerSizes: net.layerSizes)
        net.computeWeights(into: weights)
        var loss = 0.0, gradient = [Double](repeating: 0, count: net.parameterCount)
        for (lower, upper) in [(0, 2), (2, 5)] {
            let ws = MLPWorkspace<Double>(
                layerSizes: net.layerSizes, weightNormalization: true, capacity: 3,
                training: true)
            let part = Array(x[(lower * 3)..<(upper * 3)]), target = Array(t[(lower * 2)..<(upper * 2)])
            loss += withPointers(part) { xp in
                withPointers(target) { tp in
                    net.lossAndGradient(
                        input: xp, target: tp, rows: upper - lower, batchRows: 5, weights: weights,
                        workspace: ws)
                }
            }
            for i in gradient.indices { gradient[i] += ws.gradient[i] }
        }
        #expect(abs(loss - whole.loss) < 1e-14)
        #expect(maxRelativeError(gradient, whole.gradient, floor: 1e-12) < 1e-12)
    }
}
