import Core
import Foundation
import Learner
import Testing
import _TestSupport

@Suite struct GaussianPolicyTests {
    @Test func initializationFollowsThePaper() {
        var rng = SplitMix64(seed: 1)
        let policy = GaussianMLPPolicy(observationSize: 17, actionSize: 6, using: &rng)
        let layout = policy.layout
        #expect(layout.widths == [17, 32, 32, 6])
        #expect(layout.parameterCount == 17 * 32 + 32 + 32 * 32 + 32 + 32 * 6 + 6 + 6)
        for l in 0..<3 {
            let limit = (6.0 / Double(layout.widths[l] + layout.widths[l + 1])).squareRoot()
            let weights = policy.parameters[layout.weightOffsets[l]..<layout.biasOffsets[l]]
            #expect(weights.allSatisfy { abs($0) <= limit })
            #expect(weights.map { abs($0) }.max()! > 0.9 * limit)  // full Xavier scale, output layer included
            #expect(
                policy.parameters[layout.biasOffsets[l]..<(layout.biasOffsets[l] + layout.widths[l + 1])]
                    .allSatisfy { $0 == 0 })
        }
        #expect(policy.logStd() == [Double](repeating: 0, count: 6))
        #expect(abs(layout.minLogStd - log(1e-6)) < 1e-15)
    }

    @Test func meansMatchAHandWrittenForwardPass() {
        let policy = PolicyFixture.policy()
        let layout = policy.layout, p = policy.parameters
        let observations = [0.5, -1.0, 2.0, -0.3, 0.1, 0.7]
        let means = policy.means(observations: observations)
        for r in 0..<2 {
            var u = Array(observations[(3 * r)..<(3 * r + 3)])
            for l in 0..<3 {
                let (n, m) = (layout.widths[l], layout.widths[l + 1])
                var z = (0..<m).map { p[layout.biasOffsets[l] + $0] }
                for i in 0..<n {
                    for j in 0..<m { z[j] += u[i] * p[layout.weightOffsets[l] + i * m + j] }
                }
                u = l < 2 ? z.map { tanh($0) } : z
            }
            #expect(maxRelativeError(Array(means[(2 * r)..<(2 * r + 2)]), u, floor: 1e-12) < 1e-13)
        }
    }

    @Test func logStdIsClampedBelow() {
        var policy = PolicyFixture.policy()
        policy.parameters[policy.layout.logStdOffset] = -20
        #expect(policy.logStd()[0] == log(1e-6))
        #expect(policy.logStd()[1] == policy.parameters[policy.layout.logStdOffset + 1])
    }

    @Test func samplesHaveThePolicysMeanAndStd() {
        let policy = PolicyFixture.policy()
        let rows = 40_000
        let observations = [Double](repeating: 0.3, count: rows * 3)
        var rng = SplitMix64(seed: 2)
        let output = policy.sample(observations: observations, using: &rng)
        let sigma = policy.logStd().map { exp($0) }
        for j in 0..<2 {
            let column = (0..<rows).map { output.actions[2 * $0 + j] }
            let mean = column.reduce(0, +) / Double(rows)
            let std = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows)).squareRoot()
            // 5 standard errors
            #expect(abs(mean - output.means[j]) < 5 * sigma[j] / Double(rows).squareRoot())
            #expect(abs(std / sigma[j] - 1) < 5 * (0.5 / Double(rows)).squareRoot())
        }
        #expect(output.logStds.count == rows * 2 && output.logStds[2] == policy.logStd()[0])
    }

    @Test func samplingIsDeterministicGivenTheSeed() {
        let policy = PolicyFixture.policy()
        let observations = (0..<30).map { Double($0) * 0.1 }
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
        #expect(
            policy.sample(observations: observations, using: &a).actions
                == policy.sample(observations: observations, using: &b).actions)
    }

    @Test func blockEvaluationUsesEachBlocksParameters() {
        let policy = PolicyFixture.policy()
        let other = PolicyFixture.policy(seed: 2)
        let observations = (0..<24).map { sin(Double($0)) }  // 8 rows, 2 blocks of 4
        let (means, logStds) = policy.blockDistributions(
            observations: observations,
            parameterSets: [policy.parameters, other.parameters])
        #expect(Array(means[0..<8]) == policy.means(observations: Array(observations[0..<12])))
        #expect(Array(means[8..<16]) == other.means(observations: Array(observations[12..<24])))
        #expect(Array(logStds[8..<10]) == other.logStd())
        var rng = SplitMix64(seed: 1), again = SplitMix64(seed: 1)
        let sampled = policy.sampleBlocks(
            observations: observations, parameterSets: [policy.parameters, other.parameters],
            using: &rng)
        // every action is its own block's mean plus its block's σ times the next draw, in row-major order
        let blockMeans =
            policy.means(observations: Array(observations[0..<12]))
            + other.means(observations: Array(observations[12..<24]))
        let expected = (0..<16).map { i in
            blockMeans[i] + exp((i < 8 ? policy : other).logStd()[i % 2]) * again.nextGaussian()
        }
        #expect(sampled.actions == expected)
        #expect(sampled.logStds == logStds && policy.logStd() != other.logStd())
    }

    @Test func logLikelihoodsMatchTheDensity() {
        // log N(a; μ(o), σ²) = Σ_d −½ ((a_d − μ_d) / σ_d)² − log σ_d − ½ log 2π, row by row, each row's mean
        // computed on its own
        let policy = PolicyFixture.policy()
        let observations = (0..<12).map { cos(1.7 * Double($0)) }, actions = (0..<8).map { sin(0.9 * Double($0)) }
        let logStd = policy.logStd()
        let expected = (0..<4).map { r in
            let mean = policy.means(observations: Array(observations[(3 * r)..<(3 * r + 3)]))
            return (0..<2).reduce(0.0) { sum, d in
                let z = (actions[2 * r + d] - mean[d]) / exp(logStd[d])
                return sum - 0.5 * z * z - logStd[d] - 0.5 * log(2 * Double.pi)
            }
        }
        let logLikelihoods = policy.logLikelihoods(observations: observations, actions: actions)
        #expect(logLikelihoods.count == 4)
        #expect(maxRelativeError(logLikelihoods, expected) < 1e-13)
        #expect(Set(expected).count == 4)
    }

    @Test func configRoundTripsThroughJSON() throws {
        let config = PolicyConfig(hiddenSizes: [64, 16], initialLogStd: -0.5)
        let decoded = try JSONDecoder().decode(PolicyConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
    }
}

@Suite struct PolicyTanhTests {
    @Test func matchesLibmTanhToRoundingLevel() {
        var worst = 0.0, worstRelative = 0.0
        var x = -25.0
        while x <= 25 {
            let ours = PolicyTanh.value(x), reference = tanh(x)
            worst = max(worst, abs(ours - reference))
            if abs(x) > 0.01 { worstRelative = max(worstRelative, abs(ours - reference) / abs(reference)) }
            x += 0.000731
        }
        #expect(worst < 5e-16, "max absolute error \(worst)")
        #expect(worstRelative < 2e-14, "max relative error \(worstRelative) for |x| > 0.01")
        #expect(PolicyTanh.value(0) == 0 && PolicyTanh.value(30) == 1 && PolicyTanh.value(-30) == -1)
        #expect(PolicyTanh.value(-0.3) == -PolicyTanh.value(0.3))
    }
}

@Suite struct PolicyBlockEvaluatorTests {
    /// The preallocated evaluator gives exactly the allocating per-block evaluation, over repeated calls.
    @Test func matchesBlockDistributionsBitForBit() {
        var rng = SplitMix64(seed: 12)
        let policy = GaussianMLPPolicy(
            observationSize: 5, actionSize: 3, config: PolicyConfig(hiddenSizes: [7, 4]),
            using: &rng)
        let (blocks, per) = (4, 6)
        let rows = blocks * per
        let evaluator = PolicyBlockEvaluator(layout: policy.layout, rows: rows)
        for call in 0..<3 {
            let sets = (0..<blocks).map { i in
                policy.parameters.map { $0 + 0.05 * Double(i + call) * rng.nextGaussian() }
            }
            let observations = (0..<(rows * 5)).map { _ in rng.nextUniform(-3, 3) }
            let (expectedMeans, expectedLogStds) = policy.blockDistributions(
                observations: observations,
                parameterSets: sets)
            var means = [Double](repeating: .nan, count: rows * 3), logStds = means
            observations.withUnsafeBufferPointer { o in
                means.withUnsafeMutableBufferPointer { m in
                    logStds.withUnsafeMutableBufferPointer { l in
                        evaluator.evaluate(observations: o, parameterSets: sets, means: m, logStds: l)
                    }
                }
            }
            #expect(means == expectedMeans)
            #expect(logStds == expectedLogStds)
            // blocks really differ (different parameters per block)
            #expect(Array(means[0..<3]) != Array(means[(per * 3)..<(per * 3 + 3)]))
        }
    }
}
