/// A floating-point type whose matrix products go through BLAS (`Float` → sgemm, `Double` → dgemm).
///
/// The numeric kernels are generic over this protocol so that production code runs in `Float` while gradient checks
/// instantiate the very same code at `Double`.
public protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
    /// C = alpha · op(A) · op(B) + beta · C, row-major; op(A): (m × k), op(B): (k × n), C: (m × n).
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// tanh(x).
    static func hyperbolicTangent(_ x: Self) -> Self
}

extension Float: GEMMScalar {
    /// sgemm, see ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// tanh(x) in single precision.
    @inlinable
    public static func hyperbolicTangent(_ x: Float) -> Float { _tanhf(x) }
}

extension Double: GEMMScalar {
    /// dgemm, see ``GEMMScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLAS.dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// tanh(x) in double precision.
    @inlinable
    public static func hyperbolicTangent(_ x: Double) -> Double { _tanh(x) }
}
