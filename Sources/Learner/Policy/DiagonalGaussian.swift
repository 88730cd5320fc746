#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Diagonal-Gaussian distribution functions on one row: log-likelihood, KL and entropy, with their gradients.
///
/// A row is a mean μ and log-std ℓ of length d (σ = e^ℓ). The batched objectives use the same formulas inline.
public enum DiagonalGaussian {
    /// The KL's denominator guard: 2σ² + klEpsilon (docs/algorithm.md §4.1).
    public static let klEpsilon = 1e-8

    /// log N(x; μ, diag σ²) = Σ_d [−(x−μ)²/(2σ²) − ℓ] − (d/2) log 2π.
    public static func logLikelihood(_ x: [Double], mean: [Double], logStd: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<x.count {
            let z = (x[j] - mean[j]) * exp(-logStd[j])
            sum += -0.5 * z * z - logStd[j]
        }
        return sum - 0.5 * Double(x.count) * log(2 * Double.pi)
    }

    /// ∂ log N / ∂μ = (x − μ)/σ² and ∂ log N / ∂ℓ = (x − μ)²/σ² − 1.
    public static func logLikelihoodGradient(
        _ x: [Double], mean: [Double], logStd: [Double]
    )
        -> (mean: [Double], logStd: [Double])
    {
        var dMean = [Double](repeating: 0, count: x.count), dLog = dMean
        for j in 0..<x.count {
            let diff: Double = x[j] - mean[j], inv: Double = exp(-2 * logStd[j])
            dMean[j] = diff * inv
            dLog[j] = diff * diff * inv - 1
        }
        return (dMean, dLog)
    }

    /// KL(old ‖ new) = Σ_d [((μo − μn)² + σo² − σn²)/(2σn² + 1e-8) + ℓn − ℓo] (rllab's form, docs/algorithm.md §4.1).
    public static func kl(oldMean: [Double], oldLogStd: [Double], newMean: [Double], newLogStd: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<oldMean.count {
            let so = exp(2 * oldLogStd[j]), sn = exp(2 * newLogStd[j]), dm = oldMean[j] - newMean[j]
            sum += (dm * dm + so - sn) / (2 * sn + klEpsilon) + newLogStd[j] - oldLogStd[j]
        }
        return sum
    }

    /// Gradient of ``kl(oldMean:oldLogStd:newMean:newLogStd:)`` with respect to the new mean and log-std.
    ///
    /// With s = σn², D = 2s + ε, c = (μo − μn)² + σo²: ∂/∂μn = 2(μn − μo)/D, ∂/∂ℓn = 1 − 2s/D − 4s(c − s)/D².
    public static func klGradient(
        oldMean: [Double], oldLogStd: [Double], newMean: [Double], newLogStd: [Double]
    )
        -> (mean: [Double], logStd: [Double])
    {
        var dMean = [Double](repeating: 0, count: oldMean.count), dLog = dMean
        for j in 0..<oldMean.count {
            let s = exp(2 * newLogStd[j]), d = 2 * s + klEpsilon, dm = oldMean[j] - newMean[j]
            let c = dm * dm + exp(2 * oldLogStd[j])
            dMean[j] = -2 * dm / d
            dLog[j] = 1 - 2 * s / d - 4 * s * (c - s) / (d * d)
        }
        return (dMean, dLog)
    }

    /// Curvature of the KL at new = old (the Fisher weights with the ε guard): ∂²KL/∂μn² = 2/D and
    /// ∂²KL/∂ℓn² = 4s(2s − ε)/D², with s = σ², D = 2s + ε; the mixed term vanishes there.
    public static func klCurvature(logStd: Double) -> (mean: Double, logStd: Double) {
        let s = exp(2 * logStd), d = 2 * s + klEpsilon
        return (2 / d, 4 * s * (2 * s - klEpsilon) / (d * d))
    }

    /// Differential entropy Σ_d ℓ_d + (d/2) log(2πe); its gradient with respect to every ℓ_d is 1.
    public static func entropy(logStd: [Double]) -> Double {
        logStd.reduce(0, +) + 0.5 * Double(logStd.count) * log(2 * Double.pi * M_E)
    }
}
