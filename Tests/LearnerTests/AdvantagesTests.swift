import Core
import Foundation
import Learner
import Testing
import _TestSupport

@Suite struct AdvantagesTests {
    /// Three paths of lengths 4, 7, 5 with random observations (2-D) and rewards.
    static func paths(seed: UInt64 = 3) -> PathBatch {
        var rng = SplitMix64(seed: seed)
        let lengths = [4, 7, 5], total = 16
        return PathBatch(
            observationSize: 2, observations: (0..<(2 * total)).map { _ in 4 * rng.nextGaussian() },
            rewards: (0..<total).map { _ in rng.nextGaussian() }, lengths: lengths)
    }

    @Test func discountedReturnsMatchAHandLoop() {
        let paths = Self.paths()
        let returns = Advantages.discountedReturns(paths, discount: 0.99)
        for range in paths.ranges {
            for t in range {
                var g = 0.0, factor = 1.0
                for k in t..<range.upperBound {
                    g += factor * paths.rewards[k]
                    factor *= 0.99
                }
                #expect(abs(returns[t] - g) < 1e-12)
            }
        }
    }

    @Test func generalizedAdvantagesMatchAHandLoop() {
        let paths = Self.paths()
        var rng = SplitMix64(seed: 9)
        let values = (0..<paths.count).map { _ in rng.nextGaussian() }
        let (gamma, lambda) = (0.99, 0.9)
        let gae = Advantages.generalized(paths, values: values, discount: gamma, lambda: lambda)
        for range in paths.ranges {
            for t in range {
                var a = 0.0, factor = 1.0
                for k in t..<range.upperBound {
                    let next = k + 1 < range.upperBound ? values[k + 1] : 0
                    a += factor * (paths.rewards[k] + gamma * next - values[k])
                    factor *= gamma * lambda
                }
                #expect(abs(gae[t] - a) < 1e-12)
            }
        }
    }

    @Test(arguments: [(1.0, 1.0), (0.99, 1.0), (1.0, 0.9), (0.99, 0.9)])
    func constantValueClosedForm(gamma: Double, lambda: Double) {
        // rewards 1 and V ≡ c on one path of length T: δ_t = 1 + γc − c (last step: 1 − c)
        let length = 6, c = 0.7
        let paths = PathBatch(
            observationSize: 1, observations: [Double](repeating: 0, count: length),
            rewards: [Double](repeating: 1, count: length), lengths: [length])
        let gae = Advantages.generalized(
            paths, values: [Double](repeating: c, count: length), discount: gamma,
            lambda: lambda)
        for t in 0..<length {
            let n = Double(length - t), x: Double = gamma * lambda
            let geometric: Double = x == 1 ? n : (1 - pow(x, n)) / (1 - x)
            // Σ_{k<n} x^k (1 + γc − c) − x^{n−1} γ c
            let delta: Double = 1 + gamma * c - c
            let expected: Double = geometric * delta - pow(x, n - 1) * gamma * c
            #expect(abs(gae[t] - expected) < 1e-12)
        }
    }

    @Test func lambdaOneGivesReturnsMinusValues() {
        let paths = Self.paths()
        let values = (0..<paths.count).map { Double($0) * 0.1 }
        let gae = Advantages.generalized(paths, values: values, discount: 0.99, lambda: 1)
        let returns = Advantages.discountedReturns(paths, discount: 0.99)
        for t in 0..<paths.count { #expect(abs(gae[t] - (returns[t] - values[t])) < 1e-12) }
    }

    @Test func standardizationUsesThePopulationStd() {
        let x = [1.0, 2, 3, 4]
        let s = Advantages.standardized(x)
        // population std of 1…4 is √1.25
        #expect(abs(s[0] - (-1.5 / (1.25.squareRoot() + 1e-8))) < 1e-12)
        #expect(abs(s.reduce(0, +)) < 1e-12)
    }

    @Test func baselineMatchesClosedFormRidgeSolution() throws {
        let paths = Self.paths()
        let targets = Advantages.discountedReturns(paths, discount: 0.99)
        var baseline = LinearFeatureBaseline()
        baseline.fit(paths, targets: targets)
        let w = try #require(baseline.coefficients)
        // normal equations (ΦᵀΦ + 1e-5 I) w = Φᵀ y solved independently by Gauss–Jordan elimination
        let f = LinearFeatureBaseline.featureCount(observationSize: 2), phi = LinearFeatureBaseline.features(paths)
        var m = [[Double]](repeating: [Double](repeating: 0, count: f + 1), count: f)
        for i in 0..<f {
            for j in 0..<f { m[i][j] = (0..<paths.count).reduce(0) { $0 + phi[$1 * f + i] * phi[$1 * f + j] } }
            m[i][i] += 1e-5
            m[i][f] = (0..<paths.count).reduce(0) { $0 + phi[$1 * f + i] * targets[$1] }
        }
        for col in 0..<f {
            let pivot = (col..<f).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot)
            for row in 0..<f where row != col {
                let factor = m[row][col] / m[col][col]
                for k in col...f { m[row][k] -= factor * m[col][k] }
            }
        }
        let expected = (0..<f).map { m[$0][f] / m[$0][$0] }
        #expect(maxRelativeError(w, expected, floor: 1e-6) < 1e-6)
        // features: clipped observation, its square, the time cubic, a constant
        #expect(phi[0] == min(max(paths.observations[0], -10), 10))
        #expect(phi[f + 4] == 0.01 && phi[f + 7] == 1)
    }

    @Test func baselineRecoversAnExactLinearFunctionOfTheFeatures() throws {
        var rng = SplitMix64(seed: 5)
        let paths = PathBatch(
            observationSize: 2, observations: (0..<400).map { _ in rng.nextGaussian() },
            rewards: [Double](repeating: 0, count: 200), lengths: [50, 50, 100])
        let f = LinearFeatureBaseline.featureCount(observationSize: 2), phi = LinearFeatureBaseline.features(paths)
        let truth = (0..<f).map { Double($0) - 3 }
        let targets = (0..<200).map { t in (0..<f).reduce(0) { $0 + phi[t * f + $1] * truth[$1] } }
        var baseline = LinearFeatureBaseline()
        baseline.fit(paths, targets: targets)
        #expect(maxRelativeError(baseline.predict(paths), targets, floor: 1) < 1e-4)
    }

    @Test func fitOrderDecidesWhichBaselinePredicts() {
        let paths = Self.paths()
        var first = LinearFeatureBaseline()
        let predictFirst = Advantages.compute(
            paths, baseline: &first,
            config: AdvantageConfig(baselineOrder: .predictThenFit))
        #expect(predictFirst.values.allSatisfy { $0 == 0 })  // an unfitted baseline predicts 0
        #expect(first.coefficients != nil)
        var second = LinearFeatureBaseline()
        let fitFirst = Advantages.compute(paths, baseline: &second)
        #expect(fitFirst.values == second.predict(paths))
        #expect(abs(fitFirst.advantages.reduce(0, +)) < 1e-10)
        let n = Double(paths.count)
        let variance = fitFirst.advantages.reduce(0) { $0 + $1 * $1 } / n
        #expect(abs(variance - 1) < 1e-6)
    }
}
