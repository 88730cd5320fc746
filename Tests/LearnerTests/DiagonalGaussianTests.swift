import Core
import Foundation
import Learner
import Testing
import _TestSupport

@Suite struct DiagonalGaussianTests {
    let x = [0.3, -1.2, 0.8], mean = [0.1, -0.5, 1.4], logStd = [-0.2, 0.35, 0.1]
    let oldMean = [0.4, -0.9, 1.1], oldLogStd = [0.15, 0.05, -0.3]

    @Test func logLikelihoodGradientMatchesFiniteDifferences() {
        let analytic = DiagonalGaussian.logLikelihoodGradient(x, mean: mean, logStd: logStd)
        let fdMean = finiteDifferenceGradient(at: mean) { DiagonalGaussian.logLikelihood(x, mean: $0, logStd: logStd) }
        let fdLog = finiteDifferenceGradient(at: logStd) { DiagonalGaussian.logLikelihood(x, mean: mean, logStd: $0) }
        #expect(maxRelativeError(analytic.mean, fdMean) < 1e-7)
        #expect(maxRelativeError(analytic.logStd, fdLog) < 1e-7)
        #expect(analytic.mean != fdMean && analytic.logStd != fdLog)
    }

    @Test func logLikelihoodMatchesClosedForm() {
        var expected = 0.0
        for j in 0..<3 {
            let s = exp(logStd[j])
            expected += log(1 / (s * (2 * Double.pi).squareRoot())) - pow(x[j] - mean[j], 2) / (2 * s * s)
        }
        #expect(abs(DiagonalGaussian.logLikelihood(x, mean: mean, logStd: logStd) - expected) < 1e-12)
    }

    @Test func klGradientMatchesFiniteDifferences() {
        let analytic = DiagonalGaussian.klGradient(
            oldMean: oldMean, oldLogStd: oldLogStd, newMean: mean, newLogStd: logStd)
        let fdMean = finiteDifferenceGradient(at: mean) {
            DiagonalGaussian.kl(oldMean: oldMean, oldLogStd: oldLogStd, newMean: $0, newLogStd: logStd)
        }
        let fdLog = finiteDifferenceGradient(at: logStd) {
            DiagonalGaussian.kl(oldMean: oldMean, oldLogStd: oldLogStd, newMean: mean, newLogStd: $0)
        }
        #expect(maxRelativeError(analytic.mean, fdMean) < 1e-7)
        #expect(maxRelativeError(analytic.logStd, fdLog) < 1e-7)
        #expect(analytic.mean != fdMean && analytic.logStd != fdLog)
    }

    @Test func klCurvatureMatchesFiniteDifferencesOfGradient() {
        // second derivative of KL(old ‖ new) in the new parameters, at new = old
        for j in 0..<3 {
            let h = 1e-5
            func gradient(_ dm: Double, _ dl: Double) -> (mean: [Double], logStd: [Double]) {
                var m = oldMean, l = oldLogStd
                m[j] += dm
                l[j] += dl
                return DiagonalGaussian.klGradient(oldMean: oldMean, oldLogStd: oldLogStd, newMean: m, newLogStd: l)
            }
            let dMean = (gradient(h, 0).mean[j] - gradient(-h, 0).mean[j]) / (2 * h)
            let dLog = (gradient(0, h).logStd[j] - gradient(0, -h).logStd[j]) / (2 * h)
            let mixed = (gradient(0, h).mean[j] - gradient(0, -h).mean[j]) / (2 * h)
            let curvature = DiagonalGaussian.klCurvature(logStd: oldLogStd[j])
            #expect(relativeError(curvature.mean, dMean) < 1e-7)
            #expect(relativeError(curvature.logStd, dLog) < 1e-7)
            #expect(abs(mixed) < 1e-9)
            #expect(curvature.mean != dMean)
        }
    }

    @Test func entropyGradientMatchesFiniteDifferences() {
        let fd = finiteDifferenceGradient(at: logStd) { DiagonalGaussian.entropy(logStd: $0) }
        #expect(maxRelativeError(fd, [1, 1, 1]) < 1e-8)
    }

    @Test func klOfADistributionWithItselfIsZero() {
        #expect(DiagonalGaussian.kl(oldMean: mean, oldLogStd: logStd, newMean: mean, newLogStd: logStd) == 0)
        #expect(DiagonalGaussian.kl(oldMean: oldMean, oldLogStd: oldLogStd, newMean: mean, newLogStd: logStd) > 0.05)
    }

    @Test func klMatchesMonteCarloEstimate() {
        // KL(p ‖ q) = E_p[log p − log q]; n = 400 000 samples, standard error ≈ 0.002 here
        var rng = SplitMix64(seed: 3)
        let n = 400_000
        var sum = 0.0
        for _ in 0..<n {
            let a = (0..<3).map { oldMean[$0] + exp(oldLogStd[$0]) * rng.nextGaussian() }
            sum +=
                DiagonalGaussian.logLikelihood(a, mean: oldMean, logStd: oldLogStd)
                - DiagonalGaussian.logLikelihood(a, mean: mean, logStd: logStd)
        }
        let exact = DiagonalGaussian.kl(oldMean: oldMean, oldLogStd: oldLogStd, newMean: mean, newLogStd: logStd)
        #expect(abs(sum / Double(n) - exact) < 0.01)
    }

    @Test func entropyMatchesMonteCarloEstimate() {
        var rng = SplitMix64(seed: 4)
        let n = 400_000
        var sum = 0.0
        for _ in 0..<n {
            let a = (0..<3).map { mean[$0] + exp(logStd[$0]) * rng.nextGaussian() }
            sum -= DiagonalGaussian.logLikelihood(a, mean: mean, logStd: logStd)
        }
        // −E[log p] has standard deviation √(3/2)/√n ≈ 0.002
        #expect(abs(sum / Double(n) - DiagonalGaussian.entropy(logStd: logStd)) < 0.01)
    }
}
