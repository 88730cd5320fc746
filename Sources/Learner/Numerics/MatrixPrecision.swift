import _NumericKernels

/// The arithmetic of a network's matrix products.
public enum MatrixPrecision: String, Codable, CaseIterable, Sendable {
    /// Operands and sums in float32 (OpenBLAS sgemm): the original code's arithmetic, and the default.
    case float32
    /// Operands rounded to bfloat16 (8-bit significand), products summed in float32 (AVX512-BF16's VDPBF16PS),
    /// for products whose three dimensions are all at least ``MatrixPrecision/reducedMinimumDimension`` (the
    /// hidden-to-hidden layers of the dynamics models, ≈ 93 % of their arithmetic); smaller products, weights,
    /// gradients and Adam's state stay float32. About twice sgemm's throughput; needs a CPU with AVX512-BF16.
    case bfloat16

    /// The smallest m, n and k that a product needs to run in bfloat16 (64): input layers (k = observation +
    /// action width) and output layers (n = observation width) keep float32 operands.
    public static let reducedMinimumDimension = 64

    /// Whether this CPU (and operating system) can run bfloat16 products.
    public static let isBFloat16Supported: Bool = nk_bf16_supported() != 0

    /// Whether this machine can run products at this precision.
    public var isSupported: Bool { self == .float32 || MatrixPrecision.isBFloat16Supported }

    /// Whether a product of these dimensions runs in bfloat16 at this precision.
    @inlinable
    public func reducesProduct(m: Int, n: Int, k: Int) -> Bool {
        self == .bfloat16 && min(m, n, k) >= MatrixPrecision.reducedMinimumDimension
    }
}

/// The bfloat16 product kernel and its rounding, for tests and benchmarks (networks reach it through
/// ``GEMMScalar/gemm(precision:transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``).
public enum BFloat16Kernel {
    /// C = alpha · op(A) · op(B) + beta · C (+ bias[j] in every column j, added last, when given) with every operand
    /// element rounded to bfloat16 and float32 sums, for any sizes (no minimum). Row-major; op(A): (m × k),
    /// op(B): (k × n), bias: (n); with beta = 0, C is not read.
    /// - Precondition: ``MatrixPrecision/isBFloat16Supported``.
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, bias: UnsafePointer<Float>? = nil, c: UnsafeMutablePointer<Float>,
        ldc: Int
    ) {
        precondition(MatrixPrecision.isBFloat16Supported, "bfloat16 products need a CPU with AVX512-BF16")
        precondition(
            m >= 0 && n >= 0 && k >= 0 && lda >= 1 && ldb >= 1 && ldc >= max(n, 1),
            "invalid product dimensions m \(m), n \(n), k \(k), lda \(lda), ldb \(ldb), ldc \(ldc)")
        nk_sgemm_bf16(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
    }

    /// `x` rounded to the nearest bfloat16 (ties to even), as the kernel rounds its operands.
    /// - Precondition: ``MatrixPrecision/isBFloat16Supported``.
    public static func rounded(_ x: Float) -> Float {
        precondition(MatrixPrecision.isBFloat16Supported, "bfloat16 rounding needs a CPU with AVX512-BF16")
        return nk_round_bf16(x)
    }
}
