/// Adam (Kingma & Ba 2015) in the form of TF1's `tf.train.AdamOptimizer`, for one flat parameter vector.
///
/// At step t (1-based): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ),
/// θ ← θ − lr_t · m / (√v + ε). The ε is added to √v without bias correction ("epsilon hat").
public struct Adam<Scalar: GEMMScalar>: Equatable, Sendable {
    /// Step size lr.
    public var learningRate: Double
    /// Decay of the first-moment average β₁.
    public var beta1: Double
    /// Decay of the second-moment average β₂.
    public var beta2: Double
    /// ε added to √v.
    public var epsilon: Double
    /// Number of updates applied so far (t after the last update).
    public private(set) var step: Int = 0
    /// First-moment estimate m, one per parameter.
    public private(set) var firstMoment: [Scalar]
    /// Second-moment estimate v, one per parameter.
    public private(set) var secondMoment: [Scalar]

    /// A fresh optimizer (m = v = 0, t = 0) for `parameterCount` parameters.
    public init(
        parameterCount: Int, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
        epsilon: Double = 1e-8
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.firstMoment = [Scalar](repeating: 0, count: parameterCount)
        self.secondMoment = [Scalar](repeating: 0, count: parameterCount)
    }

    /// An optimizer in a saved state: `step` updates applied, moments m and v (equal lengths).
    public init(
        learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, step: Int,
        firstMoment: [Scalar], secondMoment: [Scalar]
    ) {
        precondition(
            firstMoment.count == secondMoment.count && step >= 0,
            "Adam state needs equal moment lengths and step ≥ 0, got \(firstMoment.count), "
                + "\(secondMoment.count), step \(step)")
        self.init(parameterCount: 0, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    /// Applies one update to `parameters` (θ) given `gradient` (g); both hold `firstMoment.count` values.
    public mutating func update(parameters: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>) {
        step += 1
        let t = Double(step)
        let correctedRate = learningRate * (1 - _pow(beta2, t)).squareRoot() / (1 - _pow(beta1, t))
        let count = firstMoment.count
        firstMoment.withUnsafeMutableBufferPointer { mb in
            secondMoment.withUnsafeMutableBufferPointer { vb in
                guard let m = mb.baseAddress, let v = vb.baseAddress else { return }
                Scalar.adamStep(
                    parameters: parameters, firstMoment: m, secondMoment: v, gradient: gradient,
                    count: count, rate: Scalar(correctedRate), b1: Scalar(beta1), c1: 1 - Scalar(beta1),
                    b2: Scalar(beta2), c2: 1 - Scalar(beta2), epsilon: Scalar(epsilon))
            }
        }
    }

    /// ``update(parameters:gradient:)`` on arrays.
    public mutating func update(parameters: inout [Scalar], gradient: [Scalar]) {
        precondition(
            parameters.count == firstMoment.count && gradient.count == firstMoment.count,
            "Adam holds \(firstMoment.count) moments, got \(parameters.count) parameters and "
                + "\(gradient.count) gradients")
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                guard let p = p.baseAddress, let g = g.baseAddress else { return }
                update(parameters: p, gradient: g)
            }
        }
    }
}
