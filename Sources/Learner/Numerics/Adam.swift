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
    public init(parameterCount: Int, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.firstMoment = [Scalar](repeating: 0, count: parameterCount)
        self.secondMoment = [Scalar](repeating: 0, count: parameterCount)
    }

    /// An optimizer in a saved state: `step` updates applied, moments m and v (equal lengths).
    public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, step: Int,
                firstMoment: [Scalar], secondMoment: [Scalar]) {
        precondition(firstMoment.count == secondMoment.count && step >= 0,
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
        let lr = Scalar(correctedRate), eps = Scalar(epsilon)
        let b1 = Scalar(beta1), b2 = Scalar(beta2), c1 = 1 - Scalar(beta1), c2 = 1 - Scalar(beta2)
        let count = firstMoment.count
        firstMoment.withUnsafeMutableBufferPointer { mb in
            secondMoment.withUnsafeMutableBufferPointer { vb in
                guard let m = mb.baseAddress, let v = vb.baseAddress else { return }
                // 8 lanes at a time: the scalar square root compiles to a guarded libm call that blocks vectorization
                let lanes = 8, blocks = count / lanes, stride = MemoryLayout<SIMD8<Scalar>>.stride
                let (rm, rv) = (UnsafeMutableRawPointer(m), UnsafeMutableRawPointer(v))
                let (rp, rg) = (UnsafeMutableRawPointer(parameters), UnsafeRawPointer(gradient))
                for b in 0..<blocks {
                    let offset = b * stride
                    let g = rg.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self)
                    let mi = b1 * rm.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self) + c1 * g
                    let vi = b2 * rv.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self) + c2 * g * g
                    let p = rp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self)
                    rm.storeBytes(of: mi, toByteOffset: offset, as: SIMD8<Scalar>.self)
                    rv.storeBytes(of: vi, toByteOffset: offset, as: SIMD8<Scalar>.self)
                    rp.storeBytes(of: p - lr * mi / (vi.squareRoot() + eps), toByteOffset: offset,
                                  as: SIMD8<Scalar>.self)
                }
                for i in (blocks * lanes)..<count {
                    let g = gradient[i]
                    let mi = b1 * m[i] + c1 * g
                    let vi = b2 * v[i] + c2 * g * g
                    m[i] = mi
                    v[i] = vi
                    parameters[i] -= lr * mi / (vi.squareRoot() + eps)
                }
            }
        }
    }

    /// ``update(parameters:gradient:)`` on arrays.
    public mutating func update(parameters: inout [Scalar], gradient: [Scalar]) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
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
