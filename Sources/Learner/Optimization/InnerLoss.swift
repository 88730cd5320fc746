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
    public let precision: CurvaturePrecision
    let passes: PolicyNetworkPasses
    let blockRows: Int
    /// What Hessian products read, in the scalar they run in (nil for a loss that does not cache for them).
    let products: (any InnerCurvature)?
    /// c_t = −Â_t / N.
    var weights: [Double] = []
    var inverseVariance: [Double] = [], mask: [Double] = [], curvatureSums: [Double] = []
    var linearized = false
    lazy var ownScratch = PolicyScratch(layout: layout, blockRows: blockRows)

    /// Prepares the loss for `samples`; `cachesForHessian` keeps N-row activations for Hessian products, in
    /// `precision`.
    public init(
        layout: PolicyLayout, samples: PolicySamples, cachesForHessian: Bool = true, blockRows: Int = 512,
        precision: CurvaturePrecision = .float64
    ) {
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples are \(samples.observationSize)→\(samples.actionSize), policy is "
                + "\(layout.observationSize)→\(layout.actionSize)")
        self.layout = layout
        self.samples = samples
        self.precision = precision
        passes = PolicyNetworkPasses(layout: layout)
        self.blockRows = blockRows
        products = cachesForHessian ? innerCurvature(precision.scalar, layout: layout, blockRows: blockRows) : nil
        reload(samples)
    }

    /// Replaces the samples, reusing the cache buffers when they are large enough (one meta-step to the next).
    public func reload(_ samples: PolicySamples) {
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples do not match the policy's sizes")
        self.samples = samples
        products?.load(samples)
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
        let products = keepCaches ? products : nil
        let a = layout.actionSize, o = layout.observationSize, n = samples.count
        products?.store(theta: p)
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
                    let hid = scratch.hidden.at(row: 0), dev = scratch.rMean.base, g = scratch.outputGradient.base
                    let gh = products != nil ? scratch.ga.at(row: 0) : nil
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
                    if let products, let gh {
                        products.store(rows: rows, at: r0, hidden: hid, ga: gh, deviation: dev, outputGradient: g)
                    }
                }
            }
        }
        let weightSum = weights.reduce(0, +)
        for j in 0..<a { gradient[layout.logStdOffset + j] = mask[j] * (curvatureSums[j] - weightSum) }
        linearized = products != nil
        return value - 0.5 * Double(a) * log(2 * Double.pi) * weightSum
    }

    /// out = ∇²L_inner(θ) · v at the last linearization point (exact, R-operator); out has parameterCount entries.
    func hessianProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        precondition(linearized, "hessianProduct needs a prior linearize on an InnerLoss that caches for Hessians")
        products?.hessianProduct(v, into: out, of: self)
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
                hessianProduct(vb.baseAddress!, into: $0.baseAddress!)
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

/// What an ``InnerLoss`` keeps for its Hessian products and computes them with, in the scalar they run in
/// (``CurvaturePrecision/scalar``, chosen when the loss is built).
protocol InnerCurvature: AnyObject {
    /// Grows the buffers to `samples` and copies its observations and weights −Â_t/N.
    func load(_ samples: PolicySamples)
    /// Keeps θ (the linearization point).
    func store(theta: UnsafePointer<Double>)
    /// Keeps one block's h and g_h of every hidden layer, (a − μ)/σ² and ∂L/∂μ (`rows` rows from row `row`).
    func store(
        rows: Int, at row: Int, hidden: [UnsafeMutablePointer<Double>], ga: [UnsafeMutablePointer<Double>],
        deviation: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>)
    /// out = ∇²L_inner · v at the kept point of `loss` (which holds the per-dimension sums of its linearization).
    func hessianProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, of loss: InnerLoss)
}

/// The product state of a loss for `layout`, in scalar S.
private func innerCurvature<S: GEMMScalar>(_: S.Type, layout: PolicyLayout, blockRows: Int) -> any InnerCurvature {
    InnerProductCache<S>(layout: layout, blockRows: blockRows)
}

/// The N-row quantities of an ``InnerLoss`` that its Hessian products read, in the products' scalar T (θ, the
/// observations and weights c_t, h and g_h of every hidden layer, (a − μ)/σ² and ∂L/∂μ), and the block buffers
/// the products work in.
///
/// The loss reaches these methods through ``InnerCurvature``, i.e. the unspecialized generic code; the
/// specializations make those entry points branch to concrete code for both scalars.
final class InnerProductCache<T: GEMMScalar>: InnerCurvature {
    let layout: PolicyLayout
    let theta: ScalarStorage<T>
    let work: ProductScratch<T>
    private(set) var capacity = 0
    private(set) var observations = ScalarStorage<T>(0), weights = ScalarStorage<T>(0)
    private(set) var hidden: LayerStorage<T>, ga: LayerStorage<T>
    private(set) var deviation = ScalarStorage<T>(0), outputGradient = ScalarStorage<T>(0)

    init(layout: PolicyLayout, blockRows: Int) {
        self.layout = layout
        theta = ScalarStorage(layout.parameterCount)
        work = ProductScratch(layout: layout, blockRows: blockRows)
        hidden = LayerStorage(layout: layout, rows: 0)
        ga = hidden
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
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

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func store(theta p: UnsafePointer<Double>) {
        theta.convert(from: p, count: layout.parameterCount)
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func store(
        rows: Int, at row: Int, hidden h: [UnsafeMutablePointer<Double>], ga g: [UnsafeMutablePointer<Double>],
        deviation dev: UnsafePointer<Double>, outputGradient og: UnsafePointer<Double>
    ) {
        let a = layout.actionSize
        hidden.convert(from: h, rows: rows, at: row)
        ga.convert(from: g, rows: rows, at: row)
        deviation.convert(from: dev, count: rows * a, offset: row * a)
        outputGradient.convert(from: og, count: rows * a, offset: row * a)
    }

    /// The R-passes in T; v is rounded to T, the result accumulated in T and widened, and the log-std block (a few
    /// sums) is formed in Double.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func hessianProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, of loss: InnerLoss) {
        let a = layout.actionSize, o = layout.observationSize, n = loss.samples.count, count = layout.parameterCount
        let blockRows = loss.blockRows, passes = loss.passes, mask = loss.mask
        let direction = work.direction.base, result = work.result.base
        work.direction.convert(from: v, count: count)
        result.update(repeating: 0, count: count)
        let rLogStd = (0..<a).map { mask[$0] * v[layout.logStdOffset + $0] }
        let rLogStdT = rLogStd.map { T($0) }, inverseVarianceT = loss.inverseVariance.map { T($0) }
        var meanCross = [Double](repeating: 0, count: a)
        let p = UnsafePointer(theta.base), rMean = work.rMean.base, rg = work.rOutputGradient.base
        for r0 in stride(from: 0, to: n, by: blockRows) {
            let rows = min(blockRows, n - r0), x = UnsafePointer(observations.base + r0 * o)
            let hid = hidden.at(row: r0), rHid = work.rHidden.at(row: 0)
            passes.rForward(
                rows: rows, x: x, theta: p, direction: direction, hidden: hid, rHidden: rHid,
                rMean: rMean)
            let dev = deviation.base + r0 * a, c = weights.base + r0
            for r in 0..<rows {
                for j in 0..<a {
                    let rm = rMean[r * a + j], d = dev[r * a + j]
                    rg[r * a + j] = c[r] * (-rm * inverseVarianceT[j] - 2 * d * rLogStdT[j])
                    meanCross[j] += Double(c[r] * d * rm)
                }
            }
            passes.rBackward(
                rows: rows, x: x, theta: p, direction: direction, hidden: hid, rHidden: rHid,
                outputGradient: outputGradient.base + r0 * a, ga: ga.at(row: r0),
                gz: work.gz.at(row: 0), rOutputGradient: rg, ping: work.ping.base,
                pong: work.pong.base, rGradient: result)
        }
        for k in 0..<count { out[k] = Double(result[k]) }
        let curvatureSums = loss.curvatureSums
        for j in 0..<a {
            out[layout.logStdOffset + j] = mask[j] * (-2 * meanCross[j] - 2 * curvatureSums[j] * rLogStd[j])
        }
    }
}
