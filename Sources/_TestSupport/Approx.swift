import Core

/// MuJoCo's corrected relative error |a − b| / max(|a|, |b|, floor), used by gradient checks.
public func relativeError(_ a: Double, _ b: Double, floor: Double = 1e-6) -> Double {
    abs(a - b) / max(abs(a), abs(b), floor)
}

/// The largest corrected relative error over two equal-length arrays.
public func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-6) -> Double {
    precondition(a.count == b.count, "arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).map { relativeError($0, $1, floor: floor) }.max() ?? 0
}

/// Central finite-difference gradient of `f` at `x` with step `h`.
public func finiteDifferenceGradient(at x: [Double], step h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var point = x
    var gradient = [Double](repeating: 0, count: x.count)
    for i in 0..<x.count {
        let original = point[i]
        point[i] = original + h
        let plus = f(point)
        point[i] = original - h
        let minus = f(point)
        point[i] = original
        gradient[i] = (plus - minus) / (2 * h)
    }
    return gradient
}
