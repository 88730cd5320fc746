import _NumericKernels

/// The vector width of the C element-wise kernels (Adam's step, the policy's tanh). Each has a baseline (SSE2), an
/// AVX2 and an AVX-512F variant that give the same bits; training uses the widest one the processor supports.
public enum VectorLevel: Int, CaseIterable, Comparable, Sendable {
    case baseline = 0
    case avx2 = 1
    case avx512 = 2

    /// The widest variant this processor and operating system can run (``baseline`` off x86-64).
    public static let supported = VectorLevel(rawValue: Int(nk_vector_level())) ?? .baseline

    /// Every variant this machine can run, narrowest first.
    public static var available: [VectorLevel] { allCases.filter { $0 <= supported } }

    public static func < (lhs: VectorLevel, rhs: VectorLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The element-wise kernels at a chosen ``VectorLevel``, for tests and benchmarks. Training calls them at
/// ``VectorLevel/supported`` through ``PolicyTanh/apply(_:count:)`` and
/// ``GEMMScalar/adamStep(parameters:firstMoment:secondMoment:gradient:count:rate:b1:c1:b2:c2:epsilon:)``.
public enum ElementwiseKernels {
    /// x[i] ← ``PolicyTanh/value(_:)``(x[i]) with the `level` variant.
    /// - Precondition: `level` ≤ ``VectorLevel/supported``.
    public static func tanh(_ x: UnsafeMutablePointer<Double>, count: Int, level: VectorLevel) {
        precondition(level <= .supported, "this processor cannot run the \(level) kernels")
        nk_tanh_f64_at(Int32(level.rawValue), x, count)
    }

    /// One Adam step (the order of operations of
    /// ``GEMMScalar/adamStep(parameters:firstMoment:secondMoment:gradient:count:rate:b1:c1:b2:c2:epsilon:)``) with
    /// the `level` variant. - Precondition: `level` ≤ ``VectorLevel/supported``.
    public static func adamStep<S: GEMMScalar>(
        level: VectorLevel, parameters: UnsafeMutablePointer<S>,
        firstMoment: UnsafeMutablePointer<S>,
        secondMoment: UnsafeMutablePointer<S>, gradient: UnsafePointer<S>,
        count: Int, rate lr: S, b1: S, c1: S, b2: S, c2: S, epsilon eps: S
    ) {
        precondition(level <= .supported, "this processor cannot run the \(level) kernels")
        let at = Int32(level.rawValue)
        func cast<T>(_ p: UnsafeMutablePointer<S>, _: T.Type) -> UnsafeMutablePointer<T> {
            UnsafeMutableRawPointer(p).assumingMemoryBound(to: T.self)
        }
        let g = UnsafeRawPointer(gradient)
        if S.self == Float.self {
            nk_adam_step_f32_at(
                at, cast(parameters, Float.self), cast(firstMoment, Float.self),
                cast(secondMoment, Float.self), g.assumingMemoryBound(to: Float.self), count,
                Float(lr), Float(b1), Float(c1), Float(b2), Float(c2), Float(eps))
        } else if S.self == Double.self {
            nk_adam_step_f64_at(
                at, cast(parameters, Double.self), cast(firstMoment, Double.self),
                cast(secondMoment, Double.self), g.assumingMemoryBound(to: Double.self), count,
                Double(lr), Double(b1), Double(c1), Double(b2), Double(c2), Double(eps))
        } else {
            preconditionFailure("Adam's kernel takes Float or Double, not \(S.self)")
        }
    }
}
