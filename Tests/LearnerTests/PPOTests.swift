import Core
import Testing
import _TestSupport

@testable import Learner

/// PPO's hand-written gradient against central finite differences, its running statistics and the fold of the
/// observation standardization into the policy.
@Suite struct PPOTests {
    static let policy = PolicyLayout(observationSize: 3, actionSize: 2, hiddenSizes: [5, 4])
    /// The same shapes with the log-std clamped at −0.5 (the fixture puts the first log-std parameter below it).
    static let clampedPolicy = PolicyLayout(observationSize: 3, actionSize: 2, hiddenSizes: [5, 4], minLogStd: -0.5)
    static let value = PolicyLayout(observationSize: 3, actionSize: 1, hiddenSizes: [4])

    static func gaussians(_ count: Int, scale: Double, using rng: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in scale * rng.nextGaussian() }
    }

    /// A batch sampled at (θ_old, φ_old), and a point (θ, φ) far enough away that some ratios and value changes
    /// are clipped and some are not; with `clamped`, the first log-std parameter is −0.8 at both points, below the
    /// clamp of ``clampedPolicy``.
    static func fixture(
        seed: UInt64, clamped: Bool = false
    ) -> (batch: PPOTrainer.Batch, parameters: [Double], rows: [Int]) {
        var rng = SplitMix64(seed: seed)
        let n = 40
        let policy = clamped ? clampedPolicy : policy
        var thetaOld = gaussians(policy.parameterCount, scale: 0.5, using: &rng)
        if clamped { thetaOld[policy.logStdOffset] = -0.8 }
        let phiOld = gaussians(value.parameterCount, scale: 0.5, using: &rng)
        let observations = gaussians(n * 3, scale: 1, using: &rng)
        let oldPolicy = GaussianMLPPolicy(layout: policy, parameters: thetaOld)
        let actions = oldPolicy.sample(observations: observations, using: &rng).actions
        let batch = PPOTrainer.Batch(
            observations: observations, actions: actions,
            oldLogLikelihoods: oldPolicy.logLikelihoods(observations: observations, actions: actions),
            advantages: gaussians(n, scale: 1, using: &rng), returns: gaussians(n, scale: 1, using: &rng),
            oldValues: PPOLoss.values(value, phiOld, observations: observations))
        var theta = zip(thetaOld, gaussians(policy.parameterCount, scale: 0.15, using: &rng)).map { $0 + $1 }
        if clamped { theta[policy.logStdOffset] = -0.8 }
        let phi = zip(phiOld, gaussians(value.parameterCount, scale: 0.3, using: &rng)).map { $0 + $1 }
        return (batch, theta + phi, Array(stride(from: 1, to: n, by: 2)) + [0, 2, 4, 6])
    }

    static func total(_ loss: PPOLoss, _ statistics: PPOLoss.Statistics) -> Double {
        statistics.policyLoss - loss.config.entropyCoefficient * statistics.entropy
            + loss.config.valueCoefficient * statistics.valueLoss
    }

    @Test(arguments: [false, true], [false, true])
    func gradientMatchesCentralDifferences(standardize: Bool, clamped: Bool) {
        var config = PPOConfig()
        config.entropyCoefficient = 0.01
        let policy = clamped ? Self.clampedPolicy : Self.policy
        let loss = PPOLoss(policy: policy, value: Self.value, config: config, standardizeAdvantages: standardize)
        let (batch, parameters, rows) = Self.fixture(seed: standardize ? 4 : 3, clamped: clamped)
        let (statistics, gradient) = loss.evaluate(parameters: parameters, batch: batch, rows: rows)
        // the point exercises both branches of both clips
        #expect(statistics.clipFraction > 0.1 && statistics.clipFraction < 0.9, "\(statistics.clipFraction)")
        let phi = Array(parameters[policy.parameterCount...])
        let changes = zip(PPOLoss.values(Self.value, phi, observations: batch.observations), batch.oldValues)
            .map { abs($0 - $1) }
        #expect(changes.contains { $0 > config.clipRange } && changes.contains { $0 < config.clipRange })
        let fd = finiteDifferenceGradient(at: parameters, step: 1e-5) {
            Self.total(loss, loss.evaluate(parameters: $0, batch: batch, rows: rows).0)
        }
        let worst = maxRelativeError(gradient, fd, floor: 1e-4)
        #expect(worst < 1e-6, "largest relative gradient error \(worst)")
        #expect(gradient[policy.parameterCount + Self.value.logStdOffset] == 0)
        // the clamped log-std gets no gradient (its finite difference is 0 too), the other one does
        #expect(clamped ? gradient[policy.logStdOffset] == 0 : gradient[policy.logStdOffset] != 0)
        #expect(gradient[policy.logStdOffset + 1] != 0)
    }

    /// Merging two batches one after the other equals merging their concatenation (Chan's update is exact).
    @Test func runningMomentsMergeExactly() {
        var rng = SplitMix64(seed: 8)
        let a = Self.gaussians(3 * 50, scale: 2, using: &rng).map { $0 + 1 }
        let b = Self.gaussians(3 * 70, scale: 0.5, using: &rng)
        var stepwise = RunningMoments(width: 3), together = RunningMoments(width: 3)
        stepwise.update(a)
        stepwise.update(b)
        together.update(a + b)
        #expect(stepwise.count == together.count)
        for j in 0..<3 {
            #expect(abs(stepwise.mean[j] - together.mean[j]) < 1e-12)
            #expect(abs(stepwise.variance[j] - together.variance[j]) < 1e-12 * together.variance[j])
        }
        // against the population moments of the data with the 1e-4-weight prior (mean 0, variance 1)
        let column = (0..<120).map { r in (a + b)[r * 3] }
        let mean = column.reduce(0, +) / (120 + 1e-4)
        #expect(abs(together.mean[0] - mean) < 1e-12)
    }

    /// ppo2's initialization: every weight matrix has orthonormal columns (tall) or rows (wide), times √2 on hidden
    /// layers and the output gain on the last; biases zero.
    @Test func orthogonalInitialization() {
        var rng = SplitMix64(seed: 6)
        let layout = PolicyLayout(observationSize: 7, actionSize: 3, hiddenSizes: [5, 9])
        let theta = Learner.orthogonalInitialization(layout, outputGain: 0.01, logStd: -0.5, using: &rng)
        for l in 0..<3 {
            let rows = layout.widths[l], columns = layout.widths[l + 1], gain = l == 2 ? 0.01 : 2.0.squareRoot()
            let w = { (r: Int, c: Int) in theta[layout.weightOffsets[l] + r * columns + c] / gain }
            let tall = rows >= columns
            for i in 0..<(tall ? columns : rows) {
                for j in 0..<(tall ? columns : rows) {
                    let dot = (0..<(tall ? rows : columns)).reduce(0.0) { sum, k in
                        sum + (tall ? w(k, i) * w(k, j) : w(i, k) * w(j, k))
                    }
                    #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
                }
            }
            #expect((0..<columns).allSatisfy { theta[layout.biasOffsets[l] + $0] == 0 })
        }
        #expect(layout.logStd(theta) == [-0.5, -0.5, -0.5])
    }

    /// The context's policy on raw observations equals the PPO policy on standardized ones.
    @Test func foldedPolicyActsOnRawObservations() throws {
        var config = TinyTraining.config(.ppo, seed: 2, iterations: 2)
        config.ppo.epochs = 2
        let trainer = try #require(TinyTraining.trainer(config) as? PPOTrainer)
        for _ in 0..<2 { _ = try trainer.runIteration { _ in } }
        #expect(trainer.observationMoments.count > 1)
        var rng = SplitMix64(seed: 1)
        let scale = trainer.observationMoments.inverseScale, mean = trainer.observationMoments.mean
        // raw observations within 3 standard deviations of the running mean (the ±10 clip does not act)
        let raw = (0..<(5 * 6)).map { mean[$0 % 6] + rng.nextUniform(-3, 3) / scale[$0 % 6] }
        let standardized = trainer.standardizer()(raw)
        #expect(standardized.allSatisfy { abs($0) <= 3 + 1e-9 })
        let layout = trainer.context.policy.layout
        let direct = GaussianMLPPolicy(layout: layout, parameters: trainer.policyParameters)
            .means(observations: standardized)
        let folded = trainer.context.policy.means(observations: raw)
        #expect(zip(direct, folded).allSatisfy { abs($0 - $1) < 1e-12 * max(1, abs($0)) })
        #expect(direct != trainer.context.policy.means(observations: standardized))
    }
}
