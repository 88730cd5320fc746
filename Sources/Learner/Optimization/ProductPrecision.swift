/// The arithmetic of the policy's Hessian-vector products: the KL-Hessian products inside conjugate gradient
/// (docs/algorithm.md §4.2) and the J_iᵀ = I − α∇²L_inner,i products of the meta-gradient.
///
/// The products are exact either way (R-operator, no finite differences); `float32` runs their network passes on
/// single-precision copies of θ, of the direction and of the cached activations (as the original, whose whole
/// graph was float32), which roughly halves their cost. Values, first-order gradients, the line search and CG's
/// own vectors stay Double.
public enum ProductPrecision: String, Codable, CaseIterable, Sendable {
    /// Single precision (the default).
    case float32
    /// Double precision throughout (what every configuration written before this setting used).
    case float64
}
