import Core

/// When the baseline is fitted relative to its use (docs/algorithm.md §3.2 vs §6).
public enum BaselineOrder: String, Codable, Equatable, Sendable {
    /// Fit on these paths, then predict them (MB-MPO's samplers).
    case fitThenPredict
    /// Predict with the previous fit, then refit on these paths (rllab's standard order; ME-TRPO).
    case predictThenFit
}

/// Constants of advantage estimation (defaults are the paper's).
public struct AdvantageConfig: Codable, Equatable, Sendable {
    /// Discount factor γ of returns and GAE (per step; 0.99).
    public var discount: Double
    /// GAE λ (1 ⇒ Â = G − V, the paper's setting).
    public var gaeLambda: Double
    /// Whether advantages are standardized per task: (Â − mean)/(population std + 1e-8).
    public var standardize: Bool
    /// When the linear baseline is fitted: `fitThenPredict` (MB-MPO) or `predictThenFit` (ME-TRPO).
    public var baselineOrder: BaselineOrder

    /// Creates a configuration; the defaults are MB-MPO's.
    public init(
        discount: Double = 0.99, gaeLambda: Double = 1, standardize: Bool = true,
        baselineOrder: BaselineOrder = .fitThenPredict
    ) {
        self.discount = discount
        self.gaeLambda = gaeLambda
        self.standardize = standardize
        self.baselineOrder = baselineOrder
    }
}

/// Returns, GAE and standardization for one task's paths (docs/algorithm.md §3.2).
public enum Advantages {
    /// y_t = Σ_{k ≥ 0} γ^k x_{t+k} over one path (filled backward).
    public static func discountedCumulativeSum(_ x: ArraySlice<Double>, discount: Double) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        var running = 0.0
        for (i, value) in x.enumerated().reversed() {
            running = value + discount * running
            out[i] = running
        }
        return out
    }

    /// G_t = Σ_k γ^k r_{t+k} per path (the path end is terminal), paths concatenated.
    public static func discountedReturns(_ paths: PathBatch, discount: Double) -> [Double] {
        paths.ranges.flatMap { discountedCumulativeSum(paths.rewards[$0], discount: discount) }
    }

    /// Â_t = Σ_k (γλ)^k δ_{t+k}, δ_t = r_t + γ V_{t+1} − V_t with V = 0 after each path's last step.
    public static func generalized(_ paths: PathBatch, values: [Double], discount: Double, lambda: Double) -> [Double] {
        precondition(values.count == paths.count, "need one value per step: \(values.count) vs \(paths.count)")
        return paths.ranges.flatMap { range in
            let deltas = range.map { t in
                let next = t + 1 < range.upperBound ? values[t + 1] : 0
                return paths.rewards[t] + discount * next - values[t]
            }
            return discountedCumulativeSum(deltas[...], discount: discount * lambda)
        }
    }

    /// (x − mean)/(population std + 1e-8).
    public static func standardized(_ x: [Double]) -> [Double] {
        guard !x.isEmpty else { return x }
        let (mean, standardDeviation) = meanAndStandardDeviation(x)
        let scale = 1 / (standardDeviation + 1e-8)
        return x.map { ($0 - mean) * scale }
    }

    /// Advantages of one task: returns, baseline (fit/predict in `config.baselineOrder`), GAE, standardization.
    /// - Returns: advantages, discounted returns and baseline values, each one entry per step.
    public static func compute(
        _ paths: PathBatch, baseline: inout LinearFeatureBaseline,
        config: AdvantageConfig = AdvantageConfig()
    )
        -> (advantages: [Double], returns: [Double], values: [Double])
    {
        let returns = discountedReturns(paths, discount: config.discount)
        let values: [Double]
        switch config.baselineOrder {
        case .fitThenPredict:
            baseline.fit(paths, targets: returns)
            values = baseline.predict(paths)
        case .predictThenFit:
            values = baseline.predict(paths)
            baseline.fit(paths, targets: returns)
        }
        let raw = generalized(paths, values: values, discount: config.discount, lambda: config.gaeLambda)
        return (config.standardize ? standardized(raw) : raw, returns, values)
    }
}
