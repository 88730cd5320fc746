#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The inner (VPG) loss of one task, L_inner(θ) = −(1/N) Σ_t Â_t log π_θ(a_t|o_t), with its gradient and exact
/// Hessian-vector products (docs/algorithm.md §3.2).
///
/// ``linearize`` evaluates value and gradient at θ and, when built with `cachesForHessian`, keeps the forward and
/// backward activations so that ``hessianProduct(_:)`` costs one R-forward and one R-backward pass (Pearlmutter).
/// Rows are processed in blocks of `blockRows` so the working set stays in cache.
public final class InnerLoss {
    /// Policy shapes.
    public let layout: PolicyLayout
    /// The task's pre-update samples.
    public private(set) var samples: PolicySamples
    /// Arithmetic of ``hessianProduct(_:)``.
    public let precision: ProductPrecision
    let passes: PolicyNetworkPasses
    let cached: Bool
    let blockRows: Int
    /// What Hessian products read, in the precision they run in (one of the two exists when caching).
    var doubleCache: InnerProductCache<Double>?, singleCache: InnerProductCache<Float>?
    /// c_t = −Â_t / N.
    var weights: [Double] = []
    var inverseVariance: [Double] = [], mask: [Double] = [], curvatureSums: [Double] = []
    var linearized = false
    lazy var ownScratch = PolicyScratch(layout: layout, blockRows: blockRows)

    /// Prepares the loss for `samples`; `cachesForHessian` keeps N-row activations for Hessian products, in
    /// `precision`.
    public init(
        layout: PolicyLayout, samples: PolicySamples, cachesForHessian: Bool = true, blockRows: Int = 512,
        precision: ProductPrecision = .float64
    ) {
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples are \(samples.observationSize)→\(samples.actionSize), policy is "
                + "\(layout.observationSize)→\(layout.actionSize)")
        self.layout = layout
        self.samples = samples
        self.precision = precision
        passes = PolicyNetworkPasses(layout: layout)
        cached = cachesForHessian
        self.blockRows = blockRows
        if cached {
            switch precision {
            case .float64: doubleCache = InnerProductCache(layout: layout)
            case .float32: singleCache = InnerProductCache(layout: layout)
            }
        }
        reload(samples)
    }

    /// Replaces the samples, reusing the cache buffers when they are large enough (one meta-step to the next).
    public func reload(_ samples: PolicySamples) {
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples do not match the policy's sizes")
        self.samples = samples
        doubleCache?.load(samples)
        singleCache?.load(samples)
        let n = Double(max(samples.count, 1))
        weights = samples.advantages.map { -$0 / n }
        linearized = false
    }

    /// Value and gradient at θ (gradient written to `gradient`, parameterCount entries); with `keepCaches` (and a
    /// caching loss) it keeps what Hessian products need.
    @discardableResult
    func linearize(
        theta p: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, scratch: PolicyScratch,
        keepCaches: Bool = true
    ) -> Double {
        let cached = self.cached && keepCaches
        // Double caches are written in place; single-precision ones are converted from the block buffers
        let direct = cached ? doubleCache : nil, single = cached ? singleCache : nil
        let a = layout.actionSize, o = layout.observationSize, n = samples.count
        direct?.theta.convert(from: p, count: layout.parameterCount)
        single?.theta.convert(from: p, count: layout.parameterCount)
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
                    let hid = direct?.hidden.at(row: r0) ?? scratch.hidden.at(row: 0)
                    let dev = direct.map { $0.deviation.base + r0 * a } ?? scratch.rMean.base
                    let g = direct.map { $0.outputGradient.base + r0 * a } ?? scratch.outputGradient.base
                    let gh = direct?.ga.at(row: r0) ?? (single != nil ? scratch.ga.at(row: 0) : nil)
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
                    passes.backward(
                        rows: rows, x: x, theta: p, hidden: hid, outputGradient: g,
                        gz: scratch.gz.at(row: 0), ga: gh, gradient: gradient)
                    if let single, let gh {
                        single.hidden.convert(from: hid, rows: rows, at: r0)
                        single.ga.convert(from: gh, rows: rows, at: r0)
                        single.deviation.convert(from: dev, count: rows * a, offset: r0 * a)
                        single.outputGradient.convert(from: g, count: rows * a, offset: r0 * a)
                    }
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
        if let doubleCache {
            hessianProduct(v, into: out, cache: doubleCache, work: scratch.double)
        } else if let singleCache {
            hessianProduct(v, into: out, cache: singleCache, work: scratch.single)
        }
    }

    /// The R-passes in precision T on `cache`; v is rounded to T, the result accumulated in T and widened, and the
    /// log-std block (a few sums) is formed in Double.
    private func hessianProduct<T: GEMMScalar>(
        _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>,
        cache: InnerProductCache<T>, work: ProductScratch<T>
    ) {
        let a = layout.actionSize, o = layout.observationSize, n = samples.count, count = layout.parameterCount
        let direction = work.direction.base, result = work.result.base
        work.direction.convert(from: v, count: count)
        result.update(repeating: 0, count: count)
        let rLogStd = (0..<a).map { mask[$0] * v[layout.logStdOffset + $0] }
        let rLogStdT = rLogStd.map { T($0) }, inverseVarianceT = inverseVariance.map { T($0) }
        var meanCross = [Double](repeating: 0, count: a)
        let p = UnsafePointer(cache.theta.base), rMean = work.rMean.base, rg = work.rOutputGradient.base
        for r0 in stride(from: 0, to: n, by: blockRows) {
            let rows = min(blockRows, n - r0), x = UnsafePointer(cache.observations.base + r0 * o)
            let hid = cache.hidden.at(row: r0), rHid = work.rHidden.at(row: 0)
            passes.rForward(
                rows: rows, x: x, theta: p, direction: direction, hidden: hid, rHidden: rHid,
                rMean: rMean)
            let dev = cache.deviation.base + r0 * a, c = cache.weights.base + r0
            for r in 0..<rows {
                for j in 0..<a {
                    let rm = rMean[r * a + j], d = dev[r * a + j]
                    rg[r * a + j] = c[r] * (-rm * inverseVarianceT[j] - 2 * d * rLogStdT[j])
                    meanCross[j] += Double(c[r] * d * rm)
                }
            }
            passes.rBackward(
                rows: rows, x: x, theta: p, direction: direction, hidden: hid, rHidden: rHid,
                outputGradient: cache.outputGradient.base + r0 * a, ga: cache.ga.at(row: r0),
                gz: work.gz.at(row: 0), rOutputGradient: rg, ping: work.ping.base,
                pong: work.pong.base, rGradient: result)
        }
        for k in 0..<count { out[k] = Double(result[k]) }
        for j in 0..<a {
            out[layout.logStdOffset + j] = mask[j] * (-2 * meanCross[j] - 2 * curvatureSums[j] * rLogStd[j])
        }
    }

    /// L_inner(θ) and ∇L_inner(θ) (parameterCount); also sets the linearization point for ``hessianProduct(_:)``.
    public func valueAndGradient(at theta: [Double]) -> (value: Double, gradient: [Double]) {
        var gradient = [Double](repeating: 0, count: layout.parameterCount)
        let value = theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer {
                linearize(
                    theta: t.baseAddress!, gradient: $0.baseAddress!,
                    scratch: ownScratch)
            }
        }
        return (value, gradient)
    }

    /// ∇²L_inner · v at the point of the last ``valueAndGradient(at:)`` call (exact Hessian-vector product).
    public func hessianProduct(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        v.withUnsafeBufferPointer { vb in
            out.withUnsafeMutableBufferPointer {
                hessianProduct(vb.baseAddress!, into: $0.baseAddress!, scratch: ownScratch)
            }
        }
        return out
    }

    /// The inner step θ' = θ − α ∇L_inner(θ) (α applies to every parameter, log-std included).
    public func adaptedParameters(at theta: [Double], stepSize alpha: Double) -> [Double] {
        let g = valueAndGradient(at: theta).gradient
        return (0..<theta.count).map { theta[$0] - alpha * g[$0] }
    }
}

/// The N-row quantities of an ``InnerLoss`` that its Hessian products read, in the products' precision T: θ, the
/// observations and weights c_t, h and g_h of every hidden layer, (a − μ)/σ² and ∂L/∂μ.
final class InnerProductCache<T: GEMMScalar> {
    let layout: PolicyLayout
    let theta: ScalarStorage<T>
    private(set) var capacity = 0
    private(set) var observations = ScalarStorage<T>(0), weights = ScalarStorage<T>(0)
    private(set) var hidden: LayerStorage<T>, ga: LayerStorage<T>
    private(set) var deviation = ScalarStorage<T>(0), outputGradient = ScalarStorage<T>(0)

    init(layout: PolicyLayout) {
        self.layout = layout
        theta = ScalarStorage(layout.parameterCount)
        hidden = LayerStorage(layout: layout, rows: 0)
        ga = hidden
    }

    /// Grows the buffers to `samples` (never shrinks) and copies its observations and weights −Â_t/N.
    func load(_ samples: PolicySamples) {
        let n = samples.count, a = layout.actionSize, o = layout.observationSize
        if n > capacity {
            capacity = n
            observations = ScalarStorage(n * o)
            weights = ScalarStorage(n)
            hidden = LayerStorage(layout: layout, rows: n)
            ga = LayerStorage(layout: layout, rows: n)
            deviation = ScalarStorage(n * a)
            outputGradient = ScalarStorage(n * a)
        }
        samples.observations.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { observations.convert(from: base, count: n * o) }
        }
        let scale = Double(max(n, 1))
        for t in 0..<n { weights.base[t] = T(-samples.advantages[t] / scale) }
    }
}
