import _NumericKernels

/// A floating-point type whose matrix products go through BLAS (`Float` → sgemm, `Double` → dgemm).
///
/// The numeric kernels are generic over this protocol so that production code runs in `Float` while gradient checks
/// instantiate the very same code at `Double`.
public protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
    /// C = alpha · op(A) · op(B) + beta · C, row-major; op(A): (m × k), op(B): (k × n), C: (m × n).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// The same product at `precision` (see ``MatrixPrecision``): `Float` runs large products in bfloat16 when asked,
    /// `Double` (gradient checks) always in double precision.
    static func gemm(
        precision: MatrixPrecision, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// C = A·B + 1·bᵀ (b added to every row) at `precision`: the product of a dense layer's forward pass.
    /// A: (m × k), B: (k × n), b: (n), C: (m × n), all contiguous rows.
    static func affineProduct(
        precision: MatrixPrecision, m: Int, n: Int, k: Int, a: UnsafePointer<Self>,
        b: UnsafePointer<Self>, bias: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)

    /// tanh(x).
    static func hyperbolicTangent(_ x: Self) -> Self

    /// One Adam step over `count` values: m ← b1·m + c1·g, v ← b2·v + (c2·g)·g, θ ← θ − (lr·m)/(√v + eps), element by
    /// element in that order of operations (vectorized, bit-identical to the scalar expressions).
    static func adamStep(
        parameters: UnsafeMutablePointer<Self>, firstMoment: UnsafeMutablePointer<Self>,
        secondMoment: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, count: Int,
        rate lr: Self, b1: Self, c1: Self, b2: Self, c2: Self, epsilon eps: Self)
}

extension GEMMScalar {
    /// The plain product whatever `precision` says (the double-precision instantiations are references).
    @inlinable
    public static func gemm(
        precision: MatrixPrecision, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension GEMMScalar {
    /// Copies b into every row of C, then accumulates A·B on top (beta = 1).
    @inlinable
    public static func affineProduct(
        precision: MatrixPrecision, m: Int, n: Int, k: Int, a: UnsafePointer<Self>,
        b: UnsafePointer<Self>, bias: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>
    ) {
        broadcastThenMultiply(precision: precision, m: m, n: n, k: k, a: a, b: b, bias: bias, c: c)
    }

    /// ``affineProduct(precision:m:n:k:a:b:bias:c:)`` by a row-by-row copy of the bias and gemm with beta = 1.
    @inlinable
    static func broadcastThenMultiply(
        precision: MatrixPrecision, m: Int, n: Int, k: Int, a: UnsafePointer<Self>,
        b: UnsafePointer<Self>, bias: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>
    ) {
        for r in 0..<m { (c + r * n).update(from: bias, count: n) }
        gemm(
            precision: precision, transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
            b: b, ldb: n, beta: 1, c: c, ldc: n)
    }
}

extension Float: GEMMScalar {
    /// sgemm, see ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// sgemm, or for large products at ``MatrixPrecision/bfloat16`` the bfloat16 kernel (float32 sums).
    @inlinable
    public static func gemm(
        precision: MatrixPrecision, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if precision.reducesProduct(m: m, n: n, k: k) {
            nk_sgemm_bf16(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, nil, c, ldc)
        } else {
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// In bfloat16 the kernel adds the bias as it stores C (the same sums as a copy and beta = 1, without the copy).
    @inlinable
    public static func affineProduct(
        precision: MatrixPrecision, m: Int, n: Int, k: Int, a: UnsafePointer<Float>,
        b: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>
    ) {
        if precision.reducesProduct(m: m, n: n, k: k) {
            nk_sgemm_bf16(0, 0, m, n, k, 1, a, k, b, n, 0, bias, c, n)
        } else {
            broadcastThenMultiply(precision: precision, m: m, n: n, k: k, a: a, b: b, bias: bias, c: c)
        }
    }

    /// tanh(x) in single precision.
    @inlinable
    public static func hyperbolicTangent(_ x: Float) -> Float { _tanhf(x) }

    /// See ``GEMMScalar/adamStep(parameters:firstMoment:secondMoment:gradient:count:rate:b1:c1:b2:c2:epsilon:)``.
    public static func adamStep(
        parameters: UnsafeMutablePointer<Float>, firstMoment: UnsafeMutablePointer<Float>,
        secondMoment: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int,
        rate lr: Float, b1: Float, c1: Float, b2: Float, c2: Float, epsilon eps: Float
    ) {
        nk_adam_step_f32(parameters, firstMoment, secondMoment, gradient, count, lr, b1, c1, b2, c2, eps)
    }
}

extension Double: GEMMScalar {
    /// dgemm, see ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLAS.dgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// tanh(x) in double precision.
    @inlinable
    public static func hyperbolicTangent(_ x: Double) -> Double { _tanh(x) }

    /// See ``GEMMScalar/adamStep(parameters:firstMoment:secondMoment:gradient:count:rate:b1:c1:b2:c2:epsilon:)``.
    public static func adamStep(
        parameters: UnsafeMutablePointer<Double>,
        firstMoment: UnsafeMutablePointer<Double>,
        secondMoment: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>,
        count: Int, rate lr: Double, b1: Double, c1: Double, b2: Double, c2: Double,
        epsilon eps: Double
    ) {
        nk_adam_step_f64(parameters, firstMoment, secondMoment, gradient, count, lr, b1, c1, b2, c2, eps)
    }
}
