/// Element-wise loops written so that LLVM vectorizes them.
///
/// `v[i] = v[i] > 0 ? v[i] : 0` compiles to a branch around a conditional store (storing v[i] back is a no-op), which
/// does not vectorize; multiplying by a 0/1 mask does (it is not foldable without fast-math). The only difference is
/// the sign of zero for negative inputs (−0 instead of +0), which no later operation distinguishes.
enum Vectorized {
    /// v ← v · 1[v > 0] over `count` values (ReLU).
    @inline(__always)
    static func relu<S: GEMMScalar>(_ v: UnsafeMutablePointer<S>, count: Int) {
        for i in 0..<count {
            let x = v[i]
            v[i] = x * (x > 0 ? 1 : 0)
        }
    }

    /// g ← g · 1[y > 0] over `count` values (ReLU backward through its output y).
    @inline(__always)
    static func reluBackward<S: GEMMScalar>(
        output y: UnsafePointer<S>, gradient g: UnsafeMutablePointer<S>,
        count: Int
    ) {
        for i in 0..<count { g[i] *= (y[i] > 0 ? 1 : 0) }
    }
}
