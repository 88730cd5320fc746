#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The TRPO surrogate and KL of one task's post-update samples as functions of the acting parameters θ'
/// (docs/algorithm.md §4.1).
///
/// surrogate(θ') = −(1/N) Σ_t r_t Â_t with r_t = π_θ'(a_t|o_t) / π_old(a_t|o_t);
/// klSum(θ') = Σ_t KL(π_old(·|o_t) ‖ π_θ'(·|o_t)) (DiagonalGaussian's form, ε = 1e-8).
/// ``fisherProduct(_:)`` returns F·v = Σ_t J_tᵀ G J_t v at the last evaluated θ', where J_t = ∂(μ_t, ℓ)/∂θ' and
/// G = diag(2/D, 4s(2s−ε)/D²) is the KL's exact curvature at new = old (``DiagonalGaussian/klCurvature(logStd:)``).
public final class PostUpdateLoss {
    /// Policy shapes.
    public let layout: PolicyLayout
    /// The task's post-update samples (with sampling means and log-stds).
    public private(set) var samples: PolicySamples
    /// Arithmetic of ``fisherProduct(_:)``.
    public let precision: CurvaturePrecision
    let passes: PolicyNetworkPasses
    let blockRows: Int
    /// What Fisher products read, in the scalar they run in (nil for a loss that does not cache for them).
    let products: (any PostCurvature)?
    /// Σ_d [−(a − μo)²/(2σo²) − ℓo] per row (log-likelihood under the sampling policy without the 2π term).
    var oldLogLikelihood: [Double] = []
    var logStd: [Double] = [], mask: [Double] = []
    var evaluated = false
    lazy var ownScratch = PolicyScratch(layout: layout, blockRows: blockRows)

    /// Prepares the losses for `samples`; `cachesForFisher` keeps N-row activations for Fisher products, in
    /// `precision`.
    public init(
        layout: PolicyLayout, samples: PolicySamples, cachesForFisher: Bool = true, blockRows: Int = 512,
        precision: CurvaturePrecision = .float64
    ) {
        precondition(samples.hasSamplingDistribution, "post-update samples need their sampling means and log-stds")
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples do not match the policy's sizes")
        self.layout = layout
        self.samples = samples
        passes = PolicyNetworkPasses(layout: layout)
        self.blockRows = blockRows
        self.precision = precision
        products = cachesForFisher ? postCurvature(precision.scalar, layout: layout, blockRows: blockRows) : nil
        reload(samples)
    }

    /// Replaces the samples, reusing the cache buffers when they are large enough (one meta-step to the next).
    public func reload(_ samples: PolicySamples) {
        precondition(samples.hasSamplingDistribution, "post-update samples need their sampling means and log-stds")
        precondition(
            samples.observationSize == layout.observationSize && samples.actionSize == layout.actionSize,
            "samples do not match the policy's sizes")
        self.samples = samples
        products?.load(samples)
        let a = layout.actionSize
        oldLogLikelihood = [Double](repeating: 0, count: samples.count)
        samples.actions.withUnsafeBufferPointer { act in
            samples.oldMeans.withUnsafeBufferPointer { mean in
                samples.oldLogStds.withUnsafeBufferPointer { logStd in
                    for t in 0..<samples.count {
                        var sum = 0.0
                        for j in 0..<a {
                            let ls = logStd[t * a + j], z = (act[t * a + j] - mean[t * a + j]) * exp(-ls)
                            sum += -0.5 * z * z - ls
                        }
                        oldLogLikelihood[t] = sum
                    }
                }
            }
        }
        evaluated = false
    }

    /// Surrogate (mean) and KL (sum over rows) at θ'; writes their θ'-gradients where pointers are given.
    /// With `keepCaches` (and a caching loss) it keeps the activations that Fisher products need.
    func evaluate(
        theta p: UnsafePointer<Double>, surrogateGradient: UnsafeMutablePointer<Double>?,
        klGradient: UnsafeMutablePointer<Double>?, scratch: PolicyScratch,
        keepCaches: Bool = true
    ) -> (surrogate: Double, klSum: Double) {
        let products = keepCaches ? products : nil
        let a = layout.actionSize, o = layout.observationSize, n = samples.count, count = layout.parameterCount
        products?.store(theta: p)
        let logStd = layout.logStd(p), mask = layout.logStdMask(p)
        (self.logStd, self.mask) = (logStd, mask)
        let variance = logStd.map { exp(2 * $0) }, inverse = logStd.map { exp(-2 * $0) }
        let denominator = variance.map { 2 * $0 + DiagonalGaussian.klEpsilon }
        surrogateGradient?.update(repeating: 0, count: count)
        klGradient?.update(repeating: 0, count: count)
        var sLog = [Double](repeating: 0, count: a), kLog = sLog
        var ratioSum = 0.0, klSum = 0.0
        let scale = 1 / Double(max(n, 1))
        samples.observations.withUnsafeBufferPointer { xb in
            samples.actions.withUnsafeBufferPointer { ab in
                samples.oldMeans.withUnsafeBufferPointer { mb in
                    samples.oldLogStds.withUnsafeBufferPointer { lb in
                        for r0 in stride(from: 0, to: n, by: blockRows) {
                            let rows = min(blockRows, n - r0), x = xb.baseAddress! + r0 * o
                            let hid = scratch.hidden.at(row: 0)
                            passes.forward(rows: rows, x: x, theta: p, hidden: hid, mean: scratch.mean.base)
                            products?.store(rows: rows, at: r0, hidden: hid)
                            let mean = scratch.mean.base, gS = scratch.outputGradient.base,
                                gK = scratch.rOutputGradient.base
                            for r in 0..<rows {
                                let t = r0 + r
                                var logLikelihood = 0.0
                                for j in 0..<a {
                                    let diff = ab[t * a + j] - mean[r * a + j]
                                    logLikelihood += -0.5 * diff * diff * inverse[j] - logStd[j]
                                }
                                let ratio = exp(logLikelihood - oldLogLikelihood[t]),
                                    weight = -samples.advantages[t] * ratio * scale
                                ratioSum += ratio * samples.advantages[t]
                                for j in 0..<a {
                                    let diff = ab[t * a + j] - mean[r * a + j], d = diff * inverse[j]
                                    gS[r * a + j] = weight * d
                                    sLog[j] += weight * (diff * d - 1)
                                    let dm = mb[t * a + j] - mean[r * a + j], lo = lb[t * a + j]
                                    let c = dm * dm + exp(2 * lo), s = variance[j], dd = denominator[j]
                                    klSum += (c - s) / dd + logStd[j] - lo
                                    gK[r * a + j] = -2 * dm / dd
                                    kLog[j] += 1 - 2 * s / dd - 4 * s * (c - s) / (dd * dd)
                                }
                            }
                            if let surrogateGradient {
                                passes.backward(
                                    rows: rows, x: x, theta: p, hidden: hid, outputGradient: gS,
                                    gz: scratch.gz.at(row: 0), ga: nil, gradient: surrogateGradient)
                            }
                            if let klGradient {
                                passes.backward(
                                    rows: rows, x: x, theta: p, hidden: hid, outputGradient: gK,
                                    gz: scratch.gz.at(row: 0), ga: nil, gradient: klGradient)
                            }
                        }
                    }
                }
            }
        }
        for j in 0..<a {
            surrogateGradient?[layout.logStdOffset + j] = mask[j] * sLog[j]
            klGradient?[layout.logStdOffset + j] = mask[j] * kLog[j]
        }
        evaluated = products != nil
        return (-ratioSum * scale, klSum)
    }

    /// out = Σ_t J_tᵀ G J_t v at the last evaluated θ' (exact KL Hessian there when new = old); parameterCount entries.
    func fisherProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        precondition(
            evaluated, "fisherProduct needs a prior evaluate on a PostUpdateLoss that caches for Fisher products")
        products?.fisherProduct(v, into: out, of: self)
    }

    /// Surrogate, KL sum and both θ'-gradients at θ'; sets the point for ``fisherProduct(_:)``.
    public func gradients(
        at theta: [Double]
    ) -> (
        surrogate: Double, klSum: Double, surrogateGradient: [Double],
        klGradient: [Double]
    ) {
        var gs = [Double](repeating: 0, count: layout.parameterCount), gk = gs
        let (s, k) = theta.withUnsafeBufferPointer { t in
            gs.withUnsafeMutableBufferPointer { s in
                gk.withUnsafeMutableBufferPointer { k in
                    evaluate(
                        theta: t.baseAddress!, surrogateGradient: s.baseAddress!, klGradient: k.baseAddress!,
                        scratch: ownScratch)
                }
            }
        }
        return (s, k, gs, gk)
    }

    /// F·v at the point of the last ``gradients(at:)`` call.
    public func fisherProduct(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        v.withUnsafeBufferPointer { vb in
            out.withUnsafeMutableBufferPointer {
                fisherProduct(vb.baseAddress!, into: $0.baseAddress!)
            }
        }
        return out
    }
}

/// What a ``PostUpdateLoss`` keeps for its Fisher products and computes them with, in the scalar they run in
/// (``CurvaturePrecision/scalar``, chosen when the loss is built).
protocol PostCurvature: AnyObject {
    /// Grows the buffers to `samples` and copies its observations.
    func load(_ samples: PolicySamples)
    /// Keeps θ' (the evaluation point).
    func store(theta: UnsafePointer<Double>)
    /// Keeps one block's h of every hidden layer (`rows` rows from row `row`).
    func store(rows: Int, at row: Int, hidden: [UnsafeMutablePointer<Double>])
    /// out = F · v at the kept point of `loss` (which holds the log-stds and mask of its evaluation).
    func fisherProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, of loss: PostUpdateLoss)
}

/// The product state of a loss for `layout`, in scalar S.
private func postCurvature<S: GEMMScalar>(_: S.Type, layout: PolicyLayout, blockRows: Int) -> any PostCurvature {
    PostProductCache<S>(layout: layout, blockRows: blockRows)
}

/// The N-row quantities of a ``PostUpdateLoss`` that its Fisher products read, in the products' scalar T (θ', the
/// observations and h of every hidden layer), and the block buffers the products work in.
///
/// The loss reaches these methods through ``PostCurvature``, i.e. the unspecialized generic code; the
/// specializations make those entry points branch to concrete code for both scalars.
final class PostProductCache<T: GEMMScalar>: PostCurvature {
    let layout: PolicyLayout
    let theta: ScalarStorage<T>
    let work: ProductScratch<T>
    private(set) var capacity = 0
    private(set) var observations = ScalarStorage<T>(0)
    private(set) var hidden: LayerStorage<T>

    init(layout: PolicyLayout, blockRows: Int) {
        self.layout = layout
        theta = ScalarStorage(layout.parameterCount)
        work = ProductScratch(layout: layout, blockRows: blockRows)
        hidden = LayerStorage(layout: layout, rows: 0)
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func load(_ samples: PolicySamples) {
        let n = samples.count, o = layout.observationSize
        if n > capacity {
            capacity = n
            observations = ScalarStorage(n * o)
            hidden = LayerStorage(layout: layout, rows: n)
        }
        samples.observations.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { observations.convert(from: base, count: n * o) }
        }
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func store(theta p: UnsafePointer<Double>) {
        theta.convert(from: p, count: layout.parameterCount)
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func store(rows: Int, at row: Int, hidden h: [UnsafeMutablePointer<Double>]) {
        hidden.convert(from: h, rows: rows, at: row)
    }

    /// The R-forward and backward passes in T; v is rounded to T, the result accumulated in T and widened; the
    /// log-std block is formed in Double.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func fisherProduct(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, of loss: PostUpdateLoss) {
        let a = layout.actionSize, o = layout.observationSize, n = loss.samples.count, count = layout.parameterCount
        let blockRows = loss.blockRows, passes = loss.passes, mask = loss.mask
        let direction = work.direction.base, result = work.result.base
        work.direction.convert(from: v, count: count)
        result.update(repeating: 0, count: count)
        let curvature = loss.logStd.map { DiagonalGaussian.klCurvature(logStd: $0) }
        let meanCurvature = curvature.map { T($0.mean) }
        let p = UnsafePointer(theta.base), rMean = work.rMean.base, g = work.rOutputGradient.base
        for r0 in stride(from: 0, to: n, by: blockRows) {
            let rows = min(blockRows, n - r0), x = UnsafePointer(observations.base + r0 * o)
            let hid = hidden.at(row: r0)
            passes.rForward(
                rows: rows, x: x, theta: p, direction: direction, hidden: hid,
                rHidden: work.rHidden.at(row: 0), rMean: rMean)
            for r in 0..<rows {
                for j in 0..<a { g[r * a + j] = meanCurvature[j] * rMean[r * a + j] }
            }
            passes.backward(
                rows: rows, x: x, theta: p, hidden: hid, outputGradient: g,
                gz: work.gz.at(row: 0), ga: nil, gradient: result)
        }
        for k in 0..<count { out[k] = Double(result[k]) }
        for j in 0..<a {
            out[layout.logStdOffset + j] = mask[j] * Double(n) * curvature[j].logStd * v[layout.logStdOffset + j]
        }
    }
}
