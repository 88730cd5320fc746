import Core

/// Glorot/Xavier-uniform initialization: U(−l, l) with l = √(6 / (fanIn + fanOut)).
///
/// Fills `count` values (default fanIn · fanOut) in row-major order, drawing one uniform per value.
public func xavierUniform<T: BinaryFloatingPoint>(
    fanIn: Int, fanOut: Int, count: Int? = nil,
    using rng: inout SplitMix64
) -> [T] {
    let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
    return (0..<(count ?? fanIn * fanOut)).map { _ in T(rng.nextUniform(-limit, limit)) }
}
