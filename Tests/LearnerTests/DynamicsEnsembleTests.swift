import Core
import Learner
import Testing

/// Transitions of a damped pendulum with torque input: obs (cos θ, sin θ, ω), action u ∈ [−2, 2], dt = 0.05,
/// ω′ = ω + (−10 sin θ − 0.1 ω + u)·dt, θ′ = θ + ω′·dt.
func pendulumTransitions(count: Int, seed: UInt64) -> (observations: [Double], actions: [Double], next: [Double]) {
    var rng = SplitMix64(seed: seed)
    var o: [Double] = [], a: [Double] = [], n: [Double] = []
    for _ in 0..<count {
        let theta = rng.nextUniform(-Double.pi, Double.pi), omega = rng.nextUniform(-4, 4)
        let u = rng.nextUniform(-2, 2)
        let omega2 = omega + (-10 * _sinForTests(theta) - 0.1 * omega + u) * 0.05
        let theta2 = theta + omega2 * 0.05
        o += [_cosForTests(theta), _sinForTests(theta), omega]
        a.append(u)
        n += [_cosForTests(theta2), _sinForTests(theta2), omega2]
    }
    return (o, a, n)
}

/// A small ensemble for tests: 3 members, hidden (16, 16).
func smallEnsemble(
    seed: UInt64, threads: Int = 1, maxEpochs: Int = 5, hidden: [Int] = [16, 16],
    observationSize: Int = 3, actionSize: Int = 1
) -> DynamicsEnsemble {
    var rng = SplitMix64(seed: seed)
    let config = DynamicsConfig(
        members: 3, hiddenSizes: hidden, batchSize: 100, maxEpochs: maxEpochs,
        bufferCapacity: 10_000)
    return DynamicsEnsemble(
        config: config, observationSize: observationSize, actionSize: actionSize, using: &rng,
        threads: threads)
}

/// Makes member k output Δ = c_k in every dimension (gains 0, hidden biases 0, output bias c_k) and sets identity
/// normalization, so that each member is recognisable from its prediction.
func makeMembersDistinguishable(_ ensemble: DynamicsEnsemble, constants: [Float]) {
    var rng = SplitMix64(seed: 0)
    let net = MLP<Float>(layerSizes: ensemble.layerSizes, activation: .relu, weightNormalization: true, using: &rng)
    for k in 0..<ensemble.memberCount {
        var p = ensemble.parameters(member: k)
        for layer in net.layers {
            for j in 0..<layer.outputSize {
                p[(layer.gain ?? 0) + j] = 0
                p[layer.bias + j] = 0
            }
        }
        let last = net.layers[net.layers.count - 1]
        for j in 0..<last.outputSize { p[last.bias + j] = constants[k] }
        ensemble.setParameters(p, member: k)
    }
    ensemble.setNormalization(
        DynamicsNormalization(
            observation: FeatureNormalization(size: ensemble.observationSize),
            action: FeatureNormalization(size: ensemble.actionSize),
            delta: FeatureNormalization(size: ensemble.observationSize)))
}

/// Parent of every suite that runs the ensemble. Serialized because the ensemble sets OpenBLAS's process-wide thread
/// count to 1 around its parallel sections (OpenBLAS 0.3.21 is not bit-identical across thread counts).
@Suite("Dynamics", .serialized)
struct DynamicsSuites {}

extension DynamicsSuites {
    @Suite("Dynamics ensemble")
    struct DynamicsEnsembleTests {
        let constants: [Float] = [1, 10, 100]

        @Test("blocks: rows are cut into K contiguous equal blocks, block k through member k")
        func blockAssignment() {
            let ensemble = smallEnsemble(seed: 1, observationSize: 2, actionSize: 1)
            makeMembersDistinguishable(ensemble, constants: constants)
            let rows = 6
            let o = (0..<(rows * 2)).map { Double($0) * 0.5 }, a = [Double](repeating: 0.3, count: rows)
            let next = ensemble.predictBlocks(observations: o, actions: a)
            for r in 0..<rows {
                for j in 0..<2 { #expect(next[r * 2 + j] == o[r * 2 + j] + Double(constants[r / 2])) }
            }
        }

        @Test("blocks through the preallocated workspace, in place, Float and Double agree")
        func workspacePathInPlace() {
            let ensemble = smallEnsemble(seed: 2, threads: 2, observationSize: 2, actionSize: 1)
            makeMembersDistinguishable(ensemble, constants: constants)
            let workspace = EnsembleWorkspace<Float>(ensemble: ensemble, capacity: 300)
            var state = [Float](repeating: 0, count: 300 * 2)
            let actions = [Float](repeating: 0, count: 300)
            for _ in 0..<3 {
                actions.withUnsafeBufferPointer { a in
                    state.withUnsafeMutableBufferPointer { s in
                        guard let sp = s.baseAddress, let ap = a.baseAddress else { return }
                        ensemble.predictBlocks(
                            observations: UnsafePointer(sp), actions: ap, rows: 300, into: sp,
                            workspace: workspace)
                    }
                }
            }
            // three steps: each row advanced by 3·c_k; 300 rows → blocks of 100 (each split into work units of 100)
            let expected = (0..<600).map { (i: Int) -> Float in 3 * constants[i / 200] }
            #expect(state == expected)
            // the Double entry point: same rows, one step from 0.5
            let doubleWorkspace = EnsembleWorkspace<Double>(ensemble: ensemble, capacity: 300)
            var doubles = [Double](repeating: 0.5, count: 600)
            let doubleActions = [Double](repeating: 0, count: 300)
            doubleActions.withUnsafeBufferPointer { a in
                doubles.withUnsafeMutableBufferPointer { s in
                    guard let sp = s.baseAddress, let ap = a.baseAddress else { return }
                    ensemble.predictBlocks(
                        observations: UnsafePointer(sp), actions: ap, rows: 300, into: sp,
                        workspace: doubleWorkspace)
                }
            }
            #expect(doubles == (0..<600).map { 0.5 + Double(constants[$0 / 200]) })
        }

        @Test("random member: each row uses the member drawn for it, in row order, from the given generator")
        func randomMemberAssignment() {
            let ensemble = smallEnsemble(seed: 3, observationSize: 1, actionSize: 1)
            makeMembersDistinguishable(ensemble, constants: constants)
            let rows = 40
            var rng = SplitMix64(seed: 99)
            var replay = rng
            let next = ensemble.predict(
                observations: [Double](repeating: 0, count: rows),
                actions: [Double](repeating: 0, count: rows), propagation: .randomMember,
                using: &rng)
            let expected = (0..<rows).map { _ in Double(constants[replay.nextIndex(3)]) }
            #expect(next == expected)
            #expect(rng == replay)
            #expect(Set(next).count == 3)
        }

        @Test("mean averages the members' Δ; member(k) uses member k only")
        func meanAndSingleMember() {
            let ensemble = smallEnsemble(seed: 4, observationSize: 1, actionSize: 1)
            makeMembersDistinguishable(ensemble, constants: constants)
            var rng = SplitMix64(seed: 5)
            let o: [Double] = [1, 2, 3, 4], a: [Double] = [0, 0, 0, 0]
            let mean = ensemble.predict(observations: o, actions: a, propagation: .mean, using: &rng)
            #expect(mean == o.map { $0 + Double(Float(111) * (1 / Float(3))) })
            let second = ensemble.predict(observations: o, actions: a, propagation: .member(1), using: &rng)
            #expect(second == o.map { $0 + 10 })
        }

        @Test("fits a pendulum map: validation MSE (normalized Δ) below 0.01 for every member, test error small")
        func fitsPendulum() throws {
            let ensemble = smallEnsemble(seed: 7, threads: 2, maxEpochs: 60, hidden: [32, 32])
            let data = pendulumTransitions(count: 1500, seed: 8)
            ensemble.add(observations: data.observations, actions: data.actions, nextObservations: data.next)
            let report = try ensemble.fit()
            #expect(report.samples == 1500 && report.trainingSamples == 1200)
            #expect(report.epochs.allSatisfy { $0 >= 1 && $0 <= 60 })
            #expect(report.validationLosses.allSatisfy { $0 < 0.01 })
            // fresh states: mean-prediction error relative to the spread of Δ in each dimension
            let test = pendulumTransitions(count: 300, seed: 9)
            var rng = SplitMix64(seed: 10)
            let predicted = ensemble.predict(
                observations: test.observations, actions: test.actions, propagation: .mean,
                using: &rng)
            for j in 0..<3 {
                let deltas = (0..<300).map { test.next[$0 * 3 + j] - test.observations[$0 * 3 + j] }
                let errors = (0..<300).map { predicted[$0 * 3 + j] - test.next[$0 * 3 + j] }
                let spread = deltas.map { $0 * $0 }.reduce(0, +), error = errors.map { $0 * $0 }.reduce(0, +)
                #expect(error / spread < 0.03, "dimension \(j): relative squared error \(error / spread)")
            }
        }
    }
}
