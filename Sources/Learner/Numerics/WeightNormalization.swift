/// Weight normalization (Salimans & Kingma 2016) of a dense layer's (in × out) weight matrix, column by column.
///
/// Effective weights W[:, j] = V[:, j] · g_j / ‖V[:, j]‖₂, with no epsilon (as in the MB-MPO original). V is the
/// direction parameter (row-major, in × out), g the per-output-unit gain.
public enum WeightNormalization {
    /// Writes the column norms n_j = ‖V[:, j]‖₂, the column scales s_j = g_j / n_j and the effective weights
    /// W = V · diag(s).
    /// - Parameters: V, W: (inputSize × outputSize); g, norms, scales: (outputSize).
    public static func effectiveWeights<S: GEMMScalar>(
        direction v: UnsafePointer<S>, gain g: UnsafePointer<S>,
        inputSize: Int, outputSize: Int,
        norms: UnsafeMutablePointer<S>,
        scales: UnsafeMutablePointer<S>,
        weights w: UnsafeMutablePointer<S>
    ) {
        // squared column norms, accumulated row by row so the inner loop runs along contiguous memory
        norms.update(repeating: 0, count: outputSize)
        for i in 0..<inputSize {
            let row = v + i * outputSize
            for j in 0..<outputSize { norms[j] += row[j] * row[j] }
        }
        for j in 0..<outputSize {
            norms[j] = norms[j].squareRoot()
            scales[j] = g[j] / norms[j]
        }
        // W[i, j] = V[i, j] · s_j (one division per column, not per weight)
        for i in 0..<inputSize {
            let row = v + i * outputSize, out = w + i * outputSize
            for j in 0..<outputSize { out[j] = row[j] * scales[j] }
        }
    }

    /// Converts dL/dW (overwritten in place) into dL/dV, and writes dL/dg.
    ///
    /// With v̂_j = V[:, j]/n_j: dL/dg_j = dL/dW[:, j] · v̂_j and dL/dV[:, j] = (g_j/n_j)(dL/dW[:, j] − (dL/dg_j) v̂_j).
    /// - Parameters: V, gradient: (inputSize × outputSize); norms, scales, gainGradient, scratch: (outputSize);
    ///   `norms` and `scales` as written by
    ///   ``effectiveWeights(direction:gain:inputSize:outputSize:norms:scales:weights:)``; `scratch` is overwritten.
    public static func backward<S: GEMMScalar>(
        direction v: UnsafePointer<S>, norms: UnsafePointer<S>,
        scales: UnsafePointer<S>, inputSize: Int, outputSize: Int,
        gradient dw: UnsafeMutablePointer<S>,
        gainGradient dg: UnsafeMutablePointer<S>,
        scratch: UnsafeMutablePointer<S>
    ) {
        // dg_j = (dW[:, j] · V[:, j]) / n_j
        dg.update(repeating: 0, count: outputSize)
        for i in 0..<inputSize {
            let row = v + i * outputSize, grad = dw + i * outputSize
            for j in 0..<outputSize { dg[j] += grad[j] * row[j] }
        }
        // t_j = dg_j / n_j, once per column
        for j in 0..<outputSize {
            dg[j] /= norms[j]
            scratch[j] = dg[j] / norms[j]
        }
        // dV = s_j (dW − t_j V)
        for i in 0..<inputSize {
            let row = v + i * outputSize, grad = dw + i * outputSize
            for j in 0..<outputSize { grad[j] = scales[j] * (grad[j] - scratch[j] * row[j]) }
        }
    }
}
