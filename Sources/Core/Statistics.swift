/// Mean and population standard deviation (divisor n) of `values`, each sum taken left to right from 0, so that
/// every caller gets the same bits for the same numbers; (0, 0) for no values.
public func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    return (mean, variance.squareRoot())
}
