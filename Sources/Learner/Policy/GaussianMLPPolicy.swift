import Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a batched policy query returns: actions and the distribution each row was drawn from.
public struct PolicyOutput: Sendable {
    /// Sampled actions, unsquashed (rows × actionSize).
    public var actions: [Double]
    /// Means μ(o) (rows × actionSize).
    public var means: [Double]
    /// Effective log-stds, repeated per row (rows × actionSize).
    public var logStds: [Double]
}

/// Gaussian MLP policy π_θ(a|o) = N(μ_θ(o), diag e^{2ℓ}) with a tanh mean network and a state-independent log-std
/// (docs/algorithm.md §3.1). Observations go in raw; actions come out unsquashed.
///
/// All parameters live in one flat vector (order W0, b0, W1, b1, …, W_L, b_L, logStd; see ``PolicyLayout``), which
/// the inner step, CG and TRPO manipulate directly. Weights are Xavier-uniform on every layer (output included),
/// biases 0, log-std `config.initialLogStd`; the effective log-std is max(parameter, log 1e-6).
public struct GaussianMLPPolicy: Sendable {
    /// Shapes and offsets.
    public let layout: PolicyLayout
    /// The flat parameter vector θ (layout.parameterCount).
    public var parameters: [Double]

    /// A freshly initialized policy; weights are drawn from `rng` layer by layer in row-major order.
    public init(
        observationSize: Int, actionSize: Int, config: PolicyConfig = PolicyConfig(),
        using rng: inout SplitMix64
    ) {
        layout = PolicyLayout(observationSize: observationSize, actionSize: actionSize, config: config)
        var theta: [Double] = []
        theta.reserveCapacity(layout.parameterCount)
        for l in 0..<(layout.widths.count - 1) {
            let fanIn = layout.widths[l], fanOut = layout.widths[l + 1]
            theta += xavierUniform(fanIn: fanIn, fanOut: fanOut, using: &rng) as [Double]
            theta += [Double](repeating: 0, count: fanOut)
        }
        theta += [Double](repeating: config.initialLogStd, count: actionSize)
        parameters = theta
    }

    /// A policy with the given layout and parameters.
    public init(layout: PolicyLayout, parameters: [Double]) {
        precondition(
            parameters.count == layout.parameterCount,
            "expected \(layout.parameterCount) parameters, got \(parameters.count)")
        self.layout = layout
        self.parameters = parameters
    }

    /// Effective log-std ℓ = max(θ_logStd, log 1e-6) (actionSize) of `theta` (default: own parameters).
    public func logStd(parameters theta: [Double]? = nil) -> [Double] {
        (theta ?? parameters).withUnsafeBufferPointer { layout.logStd($0.baseAddress!) }
    }

    /// Means μ_θ(o) for every row. - Parameter observations: (rows × observationSize). - Returns: (rows × actionSize).
    public func means(observations: [Double], parameters theta: [Double]? = nil) -> [Double] {
        let rows = observations.count / layout.observationSize
        precondition(
            rows * layout.observationSize == observations.count,
            "observations: \(observations.count) entries is not a multiple of \(layout.observationSize)")
        var out = [Double](repeating: 0, count: rows * layout.actionSize)
        let buffers = LayerBuffers(layout: layout, rows: rows)
        let passes = PolicyNetworkPasses(layout: layout)
        observations.withUnsafeBufferPointer { x in
            (theta ?? parameters).withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { m in
                    guard rows > 0 else { return }
                    passes.forward(
                        rows: rows, x: x.baseAddress!, theta: p.baseAddress!, hidden: buffers.at(row: 0),
                        mean: m.baseAddress!)
                }
            }
        }
        return out
    }

    /// Samples a = μ_θ(o) + e^ℓ ⊙ ε, ε ~ N(0, I), drawing ε row by row from `rng`.
    /// - Parameter observations: (rows × observationSize).
    public func sample(
        observations: [Double], parameters theta: [Double]? = nil,
        using rng: inout SplitMix64
    ) -> PolicyOutput {
        let theta = theta ?? parameters
        let means = means(observations: observations, parameters: theta)
        let logStd = logStd(parameters: theta)
        return drawActions(means: means, logStds: repeatRows(logStd, means.count), using: &rng)
    }

    /// Post-update sampling (docs/algorithm.md §3.3): the rows are split into M = parameterSets.count contiguous equal
    /// blocks and block i acts with θ'_i. - Parameter observations: (rows × observationSize), rows divisible by M.
    public func sampleBlocks(
        observations: [Double], parameterSets: [[Double]],
        using rng: inout SplitMix64
    ) -> PolicyOutput {
        let (means, logStds) = blockDistributions(observations: observations, parameterSets: parameterSets)
        return drawActions(means: means, logStds: logStds, using: &rng)
    }

    /// Means and log-stds per row when block i of M contiguous equal row blocks uses θ'_i.
    /// - Returns: means and logStds, each (rows × actionSize).
    public func blockDistributions(
        observations: [Double], parameterSets: [[Double]]
    )
        -> (means: [Double], logStds: [Double])
    {
        let o = layout.observationSize, a = layout.actionSize
        let rows = observations.count / o, blocks = parameterSets.count
        precondition(blocks > 0 && rows % blocks == 0, "\(rows) rows cannot be split into \(blocks) equal blocks")
        let per = rows / blocks
        var means: [Double] = [], logStds: [Double] = []
        means.reserveCapacity(rows * a)
        logStds.reserveCapacity(rows * a)
        for (i, theta) in parameterSets.enumerated() {
            let block = Array(observations[(i * per * o)..<((i + 1) * per * o)])
            means += self.means(observations: block, parameters: theta)
            logStds += repeatRows(logStd(parameters: theta), per * a)
        }
        return (means, logStds)
    }

    /// log π_θ(a|o) per row. - Parameters: observations (rows × obs), actions (rows × act).
    public func logLikelihoods(observations: [Double], actions: [Double], parameters theta: [Double]? = nil) -> [Double]
    {
        let means = means(observations: observations, parameters: theta)
        let logStd = logStd(parameters: theta)
        let a = layout.actionSize
        return (0..<(actions.count / a)).map { r in
            DiagonalGaussian.logLikelihood(
                Array(actions[(r * a)..<((r + 1) * a)]),
                mean: Array(means[(r * a)..<((r + 1) * a)]), logStd: logStd)
        }
    }

    private func repeatRows(_ row: [Double], _ total: Int) -> [Double] {
        (0..<total).map { row[$0 % row.count] }
    }

    private func drawActions(means: [Double], logStds: [Double], using rng: inout SplitMix64) -> PolicyOutput {
        var actions = means
        for i in 0..<actions.count { actions[i] += exp(logStds[i]) * rng.nextGaussian() }
        return PolicyOutput(actions: actions, means: means, logStds: logStds)
    }
}
