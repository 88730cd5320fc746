/// The arithmetic of the policy's curvature products: the KL-Hessian products inside conjugate gradient
/// (docs/algorithm.md §4.2) and the J_iᵀ = I − α∇²L_inner,i products of the meta-gradient
/// (`meta.trpo.curvaturePrecision`).
///
/// The products are exact either way (R-operator, no finite differences); `float32` runs their network passes on
/// single-precision copies of θ, of the direction and of the cached activations (as the original, whose whole
/// graph was float32), which roughly halves their cost. Values, first-order gradients, the line search and CG's
/// own vectors stay Double.
public enum CurvaturePrecision: String, Codable, CaseIterable, Sendable {
    /// Single precision (the default).
    case float32
    /// Double precision throughout (what every configuration written before this setting used).
    case float64

    /// The scalar the products run in: the one place the choice is made. The losses build their product state
    /// generic over it (``InnerLoss``, ``PostUpdateLoss``).
    var scalar: any GEMMScalar.Type {
        switch self {
        case .float32: return Float.self
        case .float64: return Double.self
        }
    }
}
