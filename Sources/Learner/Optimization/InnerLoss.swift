#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The inner (VPG) loss of one task, L_inner(θ) = −(1/N) Σ_t Â_t log π_θ(a_t|o_t), with its gradient and exact
/// Hessian-vector products (spec §3.2).
///
/// ``linearize`` evaluates value and gradient at θ and, when built with `cachesForHessian`, keeps the forward and
/// backward activations so that ``hessianProduct(_:)`` costs one R-forward and one R-backward pass (Pearlmutter).
/// Rows are processed in blocks of `blockRows` so the working set stays in cache.
public final class InnerLoss {
    /// Policy shapes.
    public let layout: PolicyLayout
    /// The task's pre-update samples.
    public private(set) var samples: PolicySamples
    let passes: PolicyNetworkPasses
    let cached: Bool
    let blockRows: Int
    var capacity = 0
    var hidden: LayerBuffers, ga: LayerBuffers
    var deviation: PolicyStorage, outputGradient: PolicyStorage
    /// c_t = −Â_t / N.
    var weights: [Double] = []
    var theta: [Double] = []
    var inverseVariance: [Double] = [], mask: [Double] = [], curvatureSums: [Double] = []
    var linearized = false
    lazy var ownScratch = PolicyScratch(layout: layout, blockRows: blockRows)

    /// Prepares the loss for `samples`; `cachesForHessian` keeps N-row activations for Hessian products.
    public init(layout: PolicyLayout, samples: PolicySamples, cachesForHessian: Bool = true, blockRows: Int = 512) {
        precondition(samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
                     "samples are \(samples.observationSize)→\(samples.actionSize), policy is "
                         + "\(layout.observationSize)→\(layout.actionSize)")
        self.layout = layout
        self.samples = samples
        passes = PolicyNetworkPasses(layout: layout)
        cached = cachesForHessian
        self.blockRows = blockRows
        hidden = LayerBuffers(layout: layout, rows: 0)
        ga = hidden
        deviation = PolicyStorage(0)
        outputGradient = deviation
        reload(samples)
    }

    /// Replaces the samples, reusing the cache buffers when they are large enough (one meta-step to the next).
    public func reload(_ samples: PolicySamples) {
        precondition(samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
                     "samples do not match the policy's sizes")
        self.samples = samples
        if cached && samples.count > capacity {
            capacity = samples.count
            hidden = LayerBuffers(layout: layout, rows: capacity)
            ga = LayerBuffers(layout: layout, rows: capacity)
            deviation = PolicyStorage(capacity * layout.actionSize)
            outputGradient = PolicyStorage(capacity * layout.actionSize)
        }
        let n = Double(max(samples.count, 1))
        weights = samples.advantages.map { -$0 / n }
        linearized = false
    }

    /// Value and gradient at θ (gradient written to `gradient`, parameterCount entries); with `keepCaches` (and a
    /// caching loss) it keeps what Hessian products need.
    @discardableResult
    func linearize(theta p: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, scratch: PolicyScratch,
                   keepCaches: Bool = true) -> Double {
        let cached = self.cached && keepCaches
        let a = layout.actionSize, o = layout.observationSize, n = samples.count
        theta = Array(UnsafeBufferPointer(start: p, count: layout.parameterCount))
        let logStd = layout.logStd(p)
        inverseVariance = logStd.map { exp(-2 * $0) }
        mask = layout.logStdMask(p)
        curvatureSums = [Double](repeating: 0, count: a)
        gradient.update(repeating: 0, count: layout.parameterCount)
        var value = 0.0
        samples.observations.withUnsafeBufferPointer { xb in
            samples.actions.withUnsafeBufferPointer { ab in
                for r0 in stride(from: 0, to: n, by: blockRows) {
                    let rows = min(blockRows, n - r0), x = xb.baseAddress! + r0 * o
                    let hid = cached ? hidden.at(row: r0) : scratch.hidden.at(row: 0)
                    let dev = cached ? deviation.base + r0 * a : scratch.rMean.base
                    let g = cached ? outputGradient.base + r0 * a : scratch.outputGradient.base
                    passes.forward(rows: rows, x: x, theta: p, hidden: hid, mean: scratch.mean.base)
                    let mean = scratch.mean.base, act = ab.baseAddress! + r0 * a
                    for r in 0..<rows {
                        let c = weights[r0 + r]
                        var logLikelihood = 0.0
                        for j in 0..<a {
                            let diff = act[r * a + j] - mean[r * a + j], d = diff * inverseVariance[j]
                            dev[r * a + j] = d
                            g[r * a + j] = c * d
                            curvatureSums[j] += c * diff * d
                            logLikelihood += -0.5 * diff * d - logStd[j]
                        }
                        value += c * logLikelihood
                    }
                    passes.backward(rows: rows, x: x, theta: p, hidden: hid, outputGradient: g,
                                    gz: scratch.gz.at(row: 0), ga: cached ? ga.at(row: r0) : nil,
                                    gradient: gradient)
                }
            }
        }
        let weightSum = weights.reduce(0, +)
        for j in 0..<a { gradient[layout.logStdOffset + j] = mask[j] * (curvatureSums[j] - weightSum) }
        linearized = cached
        return value - 0.5 * Double(a) * log(2 * Double.pi) * weightSum
    }

    /// out = ∇²L_inner(θ) · v at the last linearization point (exact, R-operator); out has parameterCount entries.
    func hessianProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, scratch: PolicyScratch) {
        precondition(linearized, "hessianProduct needs a prior linearize on an InnerLoss that caches for Hessians")
        let a = layout.actionSize, o = layout.observationSize, n = samples.count
        out.update(repeating: 0, count: layout.parameterCount)
        let rLogStd = (0..<a).map { mask[$0] * v[layout.logStdOffset + $0] }
        var meanCross = [Double](repeating: 0, count: a)
        theta.withUnsafeBufferPointer { tb in
            samples.observations.withUnsafeBufferPointer { xb in
                let p = tb.baseAddress!
                for r0 in stride(from: 0, to: n, by: blockRows) {
                    let rows = min(blockRows, n - r0), x = xb.baseAddress! + r0 * o
                    let hid = hidden.at(row: r0), rHid = scratch.rHidden.at(row: 0)
                    passes.rForward(rows: rows, x: x, theta: p, direction: v, hidden: hid, rHidden: rHid,
                                    rMean: scratch.rMean.base)
                    let rMean = scratch.rMean.base, rg = scratch.rOutputGradient.base, dev = deviation.base + r0 * a
                    for r in 0..<rows {
                        let c = weights[r0 + r]
                        for j in 0..<a {
                            let rm = rMean[r * a + j], d = dev[r * a + j]
                            rg[r * a + j] = c * (-rm * inverseVariance[j] - 2 * d * rLogStd[j])
                            meanCross[j] += c * d * rm
                        }
                    }
                    passes.rBackward(rows: rows, x: x, theta: p, direction: v, hidden: hid, rHidden: rHid,
                                     outputGradient: outputGradient.base + r0 * a, ga: ga.at(row: r0),
                                     gz: scratch.gz.at(row: 0), rOutputGradient: rg, ping: scratch.ping.base,
                                     pong: scratch.pong.base, rGradient: out)
                }
            }
        }
        for j in 0..<a {
            out[layout.logStdOffset + j] = mask[j] * (-2 * meanCross[j] - 2 * curvatureSums[j] * rLogStd[j])
        }
    }

    /// L_inner(θ) and ∇L_inner(θ) (parameterCount); also sets the linearization point for ``hessianProduct(_:)``.
    public func valueAndGradient(at theta: [Double]) -> (value: Double, gradient: [Double]) {
        var gradient = [Double](repeating: 0, count: layout.parameterCount)
        let value = theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { linearize(theta: t.baseAddress!, gradient: $0.baseAddress!,
                                                                scratch: ownScratch) }
        }
        return (value, gradient)
    }

    /// ∇²L_inner · v at the point of the last ``valueAndGradient(at:)`` call (exact Hessian-vector product).
    public func hessianProduct(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        v.withUnsafeBufferPointer { vb in
            out.withUnsafeMutableBufferPointer { hessianProduct(vb.baseAddress!, into: $0.baseAddress!, scratch: ownScratch) }
        }
        return out
    }

    /// The inner step θ' = θ − α ∇L_inner(θ) (α applies to every parameter, log-std included).
    public func adaptedParameters(at theta: [Double], stepSize alpha: Double) -> [Double] {
        let g = valueAndGradient(at: theta).gradient
        return (0..<theta.count).map { theta[$0] - alpha * g[$0] }
    }
}
