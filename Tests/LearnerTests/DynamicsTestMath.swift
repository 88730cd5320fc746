#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// sin for test data generators.
func _sinForTests(_ x: Double) -> Double { sin(x) }
/// cos for test data generators.
func _cosForTests(_ x: Double) -> Double { cos(x) }
/// pow for hand computations in tests.
func _powForTests(_ x: Double, _ y: Double) -> Double { pow(x, y) }
