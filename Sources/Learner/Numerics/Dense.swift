/// Kernels of a fully connected layer on row-major buffers; the products go through BLAS gemm.
///
/// Outputs first in meaning, explicit sizes, no allocation: the caller owns every buffer.
public enum Dense {
    /// y = x·W + b.
    /// - Parameters: x: (rows × inputSize), W: (inputSize × outputSize), b: (outputSize), y: (rows × outputSize);
    ///   `precision` of the product (see ``MatrixPrecision``).
    public static func forward<S: GEMMScalar>(
        input x: UnsafePointer<S>, rows: Int, inputSize: Int, outputSize: Int,
        weights w: UnsafePointer<S>, bias b: UnsafePointer<S>,
        output y: UnsafeMutablePointer<S>,
        precision: MatrixPrecision = .float32
    ) {
        guard rows > 0, inputSize > 0 else {
            for r in 0..<rows { (y + r * outputSize).update(from: b, count: outputSize) }
            return
        }
        S.affineProduct(precision: precision, m: rows, n: outputSize, k: inputSize, a: x, b: w, bias: b, c: y)
    }

    /// Backward pass of y = x·W + b: dW = xᵀ·dy, db = Σ_rows dy, and dx = dy·Wᵀ when `inputGradient` is given.
    ///
    /// Shapes: x, dx (rows × inputSize); dy (rows × outputSize); W, dW (inputSize × outputSize); db (outputSize).
    /// dW and db are overwritten, not accumulated; `precision` of the two products (see ``MatrixPrecision``).
    public static func backward<S: GEMMScalar>(
        input x: UnsafePointer<S>, outputGradient dy: UnsafePointer<S>,
        rows: Int, inputSize: Int, outputSize: Int,
        weights w: UnsafePointer<S>,
        inputGradient dx: UnsafeMutablePointer<S>?,
        weightGradient dw: UnsafeMutablePointer<S>,
        biasGradient db: UnsafeMutablePointer<S>,
        precision: MatrixPrecision = .float32
    ) {
        columnSums(dy, rows: rows, columns: outputSize, into: db)
        guard rows > 0 else {
            dw.update(repeating: 0, count: inputSize * outputSize)
            return
        }
        S.gemm(
            precision: precision, transposeA: true, transposeB: false, m: inputSize, n: outputSize, k: rows,
            alpha: 1, a: x, lda: inputSize, b: dy, ldb: outputSize, beta: 0, c: dw, ldc: outputSize)
        if let dx {
            S.gemm(
                precision: precision, transposeA: false, transposeB: true, m: rows, n: inputSize, k: outputSize,
                alpha: 1, a: dy, lda: outputSize, b: w, ldb: outputSize, beta: 0, c: dx, ldc: inputSize)
        }
    }

    /// s[c] = Σ_r a[r, c] for a row-major (rows × columns) buffer.
    public static func columnSums<S: GEMMScalar>(
        _ a: UnsafePointer<S>, rows: Int, columns: Int,
        into s: UnsafeMutablePointer<S>
    ) {
        s.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = a + r * columns
            for c in 0..<columns { s[c] += row[c] }
        }
    }
}

/// Element-wise nonlinearity of a hidden layer.
public enum Activation: String, Codable, Equatable, Sendable {
    /// f(z) = z.
    case identity
    /// f(z) = max(z, 0).
    case relu
    /// f(z) = tanh(z).
    case tanh

    /// y = f(z), in place over `count` values.
    public func apply<S: GEMMScalar>(_ values: UnsafeMutablePointer<S>, count: Int) {
        switch self {
        case .identity: return
        case .relu:
            Vectorized.relu(values, count: count)
        case .tanh:
            for i in 0..<count { values[i] = S.hyperbolicTangent(values[i]) }
        }
    }

    /// dL/dz = dL/dy ⊙ f′(z), in place over `gradient`, with f′ written through the output y = f(z):
    /// relu: 1[y > 0]; tanh: 1 − y².
    public func backward<S: GEMMScalar>(output y: UnsafePointer<S>, gradient: UnsafeMutablePointer<S>, count: Int) {
        switch self {
        case .identity: return
        case .relu:
            Vectorized.reluBackward(output: y, gradient: gradient, count: count)
        case .tanh:
            for i in 0..<count { gradient[i] *= 1 - y[i] * y[i] }
        }
    }
}

/// Mean squared error over all elements: L = (1/n) Σᵢ (pᵢ − tᵢ)², n = rows · columns.
public enum MeanSquaredError {
    /// L for `count` predictions p and targets t (sum accumulated in Double).
    public static func value<S: GEMMScalar>(
        prediction p: UnsafePointer<S>, target t: UnsafePointer<S>,
        count: Int
    ) -> Double {
        guard count > 0 else { return 0 }
        var sum = 0.0
        for i in 0..<count {
            let e = Double(p[i] - t[i])
            sum += e * e
        }
        return sum / Double(count)
    }

    /// Returns L and writes dL/dp = 2(p − t)/n into `gradient` (which may alias neither p nor t).
    ///
    /// `normalizer` is the n of the mean (default `count`); a larger one gives this slice's share of the mean over a
    /// batch cut into slices, so that the slices' values and gradients sum to those of the whole batch.
    public static func valueAndGradient<S: GEMMScalar>(
        prediction p: UnsafePointer<S>, target t: UnsafePointer<S>,
        count: Int, normalizer: Int? = nil,
        gradient: UnsafeMutablePointer<S>
    ) -> Double {
        let n = normalizer ?? count
        guard n > 0 else { return 0 }
        let scale = S(2) / S(n)
        var sum = 0.0
        for i in 0..<count {
            let e = p[i] - t[i]
            gradient[i] = scale * e
            sum += Double(e) * Double(e)
        }
        return sum / Double(n)
    }
}
