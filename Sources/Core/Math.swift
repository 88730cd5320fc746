#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Thin wrappers so that Core needs no Foundation; `@usableFromInline` lets inlinable code call them.

@usableFromInline @inline(__always) func _log(_ x: Double) -> Double { log(x) }
@usableFromInline @inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
