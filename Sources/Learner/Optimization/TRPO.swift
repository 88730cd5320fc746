import Core

/// Constants of the conjugate-gradient TRPO step (docs/algorithm.md §4.2; the defaults are the paper's).
public struct TRPOConfig: Codable, Equatable, Sendable {
    /// δ: bound on the mean KL(old ‖ new) per step (nats; 0.01).
    public var maxKL: Double
    /// Most conjugate-gradient iterations per step (10).
    public var cgIterations: Int
    /// Conjugate gradient stops once the squared residual rᵀr falls below this (1e-10).
    public var cgResidualTolerance: Double
    /// Damping λ added to the KL Hessian: (H + λI) x = g (1e-5).
    public var damping: Double
    /// Step shrink factor per backtrack of the line search (0.8).
    public var backtrackRatio: Double
    /// Most candidate steps the line search tries (15).
    public var maxBacktracks: Int
    /// Arithmetic of the exact Hessian-vector products (CG's KL-Hessian and the meta-gradient's Jᵀ):
    /// `float32` (as the original; ≈ 2× faster) or `float64`. Called `productPrecision` until 2026-12 (files and
    /// `--set` may still use that name).
    public var curvaturePrecision: CurvaturePrecision

    /// Creates a configuration; the defaults are the paper's.
    public init(
        maxKL: Double = 0.01, cgIterations: Int = 10, cgResidualTolerance: Double = 1e-10,
        damping: Double = 1e-5, backtrackRatio: Double = 0.8, maxBacktracks: Int = 15,
        curvaturePrecision: CurvaturePrecision = .float32
    ) {
        self.maxKL = maxKL
        self.cgIterations = cgIterations
        self.cgResidualTolerance = cgResidualTolerance
        self.damping = damping
        self.backtrackRatio = backtrackRatio
        self.maxBacktracks = maxBacktracks
        self.curvaturePrecision = curvaturePrecision
    }

    enum CodingKeys: String, CodingKey {
        case maxKL, cgIterations, cgResidualTolerance, damping, backtrackRatio, maxBacktracks, curvaturePrecision
    }

    /// Keys that configurations written by earlier versions may hold.
    private enum FormerKeys: String, CodingKey {
        /// `curvaturePrecision` until 2026-12.
        case productPrecision
    }

    /// Decodes a configuration; one written before the setting existed ran its products in Double, so a missing key
    /// means ``CurvaturePrecision/float64`` (its checkpoints then resume exactly); `productPrecision` is its former
    /// name.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxKL = try c.decode(Double.self, forKey: .maxKL)
        cgIterations = try c.decode(Int.self, forKey: .cgIterations)
        cgResidualTolerance = try c.decode(Double.self, forKey: .cgResidualTolerance)
        damping = try c.decode(Double.self, forKey: .damping)
        backtrackRatio = try c.decode(Double.self, forKey: .backtrackRatio)
        maxBacktracks = try c.decode(Int.self, forKey: .maxBacktracks)
        curvaturePrecision =
            try c.decodeIfPresent(CurvaturePrecision.self, forKey: .curvaturePrecision)
            ?? decoder.container(keyedBy: FormerKeys.self).decodeIfPresent(
                CurvaturePrecision.self, forKey: .productPrecision) ?? .float64
    }
}

/// Wall-clock split of one TRPO step, in seconds.
public struct TRPOTiming: Sendable {
    /// Surrogate, KL and (second-order) gradient at θ.
    public var gradient: Double = 0
    /// Conjugate gradient (its KL-Hessian products).
    public var conjugateGradient: Double = 0
    /// Backtracking line search (θ'_i recomputed per candidate).
    public var lineSearch: Double = 0
    /// Sum of the parts.
    public var total: Double { gradient + conjugateGradient + lineSearch }
}

/// What one TRPO step did, for logging.
public struct TRPOStepResult: Sendable {
    /// Whether a candidate was accepted (else the parameters are unchanged).
    public var accepted: Bool
    /// Surrogate at the old parameters.
    public var surrogateBefore: Double
    /// Surrogate at the returned parameters.
    public var surrogateAfter: Double
    /// Mean KL at the returned parameters.
    public var kl: Double
    /// KL of the last candidate evaluated (the accepted one, or the smallest step when none was).
    public var lastCandidateKL: Double
    /// Fraction of the full step taken: backtrackRatio^backtracks, or 0 when rejected.
    public var stepFraction: Double
    /// Number of shrinks before acceptance (maxBacktracks when rejected).
    public var backtracks: Int
    /// β0 = √(2δ / (xᵀHx + 1e-8)).
    public var initialStepSize: Double
    /// CG iterations run.
    public var cgIterations: Int
    /// Where the time went.
    public var timing: TRPOTiming

    /// surrogateBefore − surrogateAfter (positive when the surrogate improved).
    public var improvement: Double { surrogateBefore - surrogateAfter }
}

/// The conjugate-gradient TRPO step (docs/algorithm.md §4.2) on a ``SurrogateObjective``.
public enum TRPO {
    /// One step: x ≈ (H + λI)⁻¹ g by CG, β0 = √(2δ/(xᵀ(H + λI)x + 1e-8)) (NaN → 1), then θ_j = θ − 0.8^j β0 x for
    /// j = 0…14, accepting the first candidate with surrogate(θ_j) < surrogate(θ) and KL̄(θ_j) ≤ δ; otherwise θ is
    /// left unchanged. xᵀ(H + λI)x uses (H + λI)x = g − r from CG's residual, which saves one product.
    public static func step(
        _ objective: SurrogateObjective, parameters: inout [Double],
        config: TRPOConfig = TRPOConfig()
    ) -> TRPOStepResult {
        var timing = TRPOTiming()
        var clock = Stopwatch()
        func lap() -> Double { clock.lap() }
        let theta = parameters
        let (before, klBefore, gradient) = objective.linearize(at: theta)
        timing.gradient = lap()

        let cg = conjugateGradient(
            b: gradient, iterations: config.cgIterations,
            residualTolerance: config.cgResidualTolerance
        ) { v in
            let hv = objective.klHessianProduct(v)
            return (0..<v.count).map { hv[$0] + config.damping * v[$0] }
        }
        let x = cg.solution
        var beta = (2 * config.maxKL / (parameterDot(x, cg.productOfSolution(b: gradient)) + 1e-8)).squareRoot()
        if beta.isNaN { beta = 1 }
        timing.conjugateGradient = lap()

        var result = TRPOStepResult(
            accepted: false, surrogateBefore: before, surrogateAfter: before, kl: klBefore,
            lastCandidateKL: .nan, stepFraction: 0, backtracks: config.maxBacktracks,
            initialStepSize: beta, cgIterations: cg.iterations, timing: timing)
        var fraction = 1.0
        for j in 0..<config.maxBacktracks {
            let candidate = (0..<theta.count).map { theta[$0] - fraction * beta * x[$0] }
            let (loss, kl) = objective.evaluate(at: candidate)
            result.lastCandidateKL = kl
            if loss < before && kl <= config.maxKL {
                parameters = candidate
                result.accepted = true
                result.surrogateAfter = loss
                result.kl = kl
                result.stepFraction = fraction
                result.backtracks = j
                break
            }
            fraction *= config.backtrackRatio
        }
        timing.lineSearch = lap()
        result.timing = timing
        return result
    }
}
