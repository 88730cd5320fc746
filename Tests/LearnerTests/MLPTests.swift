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

    @Test("full MSE gradient matches central finite differences",
          arguments: [(Activation.relu, true), (.tanh, true), (.relu, false), (.tanh, false)])
    func gradientMatchesFiniteDifferences(_ activation: Activation, _ weightNormalization: Bool) {
        var rng = SplitMix64(seed: 21)
        var net = MLP<Double>(layerSizes: [3, 7, 5, 2], activation: activation,
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
        expectGradientsMatch(analytic.gradient, numeric, tolerance: 1e-5)
        let y = net(x, rows: rows)
        let mse = zip(y, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
        #expect(abs(analytic.loss - mse) < 1e-14)
    }
}
