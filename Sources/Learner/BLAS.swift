import COpenBLAS

/// Matrix products through OpenBLAS, on row-major contiguous storage.
///
/// Every matrix product in the learner goes through these two functions, so the BLAS boundary is one place.
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, single precision, row-major.
    /// - Parameters: op(A) is (m × k), op(B) is (k × n), C is (m × n); `lda`, `ldb`, `ldc` are row strides.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        let m32 = Int32(m), n32 = Int32(n), k32 = Int32(k)
        let lda32 = Int32(lda), ldb32 = Int32(ldb), ldc32 = Int32(ldc)
        cblas_sgemm(CblasRowMajor, ta, tb, m32, n32, k32, alpha, a, lda32, b, ldb32, beta, c, ldc32)
    }

    /// C = alpha · op(A) · op(B) + beta · C, double precision, row-major.
    @inlinable
    public static func dgemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        let m32 = Int32(m), n32 = Int32(n), k32 = Int32(k)
        let lda32 = Int32(lda), ldb32 = Int32(ldb), ldc32 = Int32(ldc)
        cblas_dgemm(CblasRowMajor, ta, tb, m32, n32, k32, alpha, a, lda32, b, ldb32, beta, c, ldc32)
    }

    /// Makes OpenBLAS single-threaded (if it is not already). The learner parallelizes over its own work units
    /// and never lets OpenBLAS split a product, whose results differ in the last bits between OpenBLAS thread
    /// counts; every parallel section calls this, and nothing in the library turns OpenBLAS threading back on.
    @inlinable
    public static func pinSingleThread() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    /// Sets the number of threads OpenBLAS uses for large products (benchmarks of the BLAS ceiling only).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
