#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// libm entry points for inlinable numeric code, so that no public API needs Foundation.

@usableFromInline @inline(__always) func _tanhf(_ x: Float) -> Float { tanhf(x) }
@usableFromInline @inline(__always) func _tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline @inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

@usableFromInline func _tanhForBenchmark(_ x: Double) -> Double { tanh(x) }
