/// Per-dimension affine normalization x ↦ (x − μ)/(σ + 1e-10) with population statistics (ddof = 0).
public struct FeatureNormalization: Codable, Equatable, Sendable {
    /// The constant added to σ before dividing (MB-MPO's value).
    public static let epsilon = 1e-10
    /// Per-dimension mean μ.
    public var mean: [Double]
    /// Per-dimension population standard deviation σ.
    public var standardDeviation: [Double]

    /// Identity normalization up to ε (μ = 0, σ = 1) of width `size`.
    public init(size: Int) {
        mean = [Double](repeating: 0, count: size)
        standardDeviation = [Double](repeating: 1, count: size)
    }

    /// Statistics of the rows of a row-major (rows × width) array; two passes, accumulated in `Double`.
    public init(fitting values: [Float], width: Int) {
        let rows = values.count / width
        precondition(rows > 0 && rows * width == values.count, "need a non-empty (rows × \(width)) array")
        var mean = [Double](repeating: 0, count: width), variance = [Double](repeating: 0, count: width)
        for r in 0..<rows {
            for c in 0..<width { mean[c] += Double(values[r * width + c]) }
        }
        for c in 0..<width { mean[c] /= Double(rows) }
        for r in 0..<rows {
            for c in 0..<width {
                let d = Double(values[r * width + c]) - mean[c]
                variance[c] += d * d
            }
        }
        self.mean = mean
        self.standardDeviation = variance.map { ($0 / Double(rows)).squareRoot() }
    }

    /// Width of the normalized vectors.
    public var size: Int { mean.count }

    /// (x − μ)/(σ + ε) for one value of dimension `dimension`.
    @inlinable
    public func normalize(_ x: Double, dimension: Int) -> Double {
        (x - mean[dimension]) / (standardDeviation[dimension] + FeatureNormalization.epsilon)
    }

    /// y·(σ + ε) + μ for one value of dimension `dimension`; inverse of ``normalize(_:dimension:)``.
    @inlinable
    public func denormalize(_ y: Double, dimension: Int) -> Double {
        y * (standardDeviation[dimension] + FeatureNormalization.epsilon) + mean[dimension]
    }

    /// Single-precision (μ, σ + ε) for the hot loops.
    public var floatParameters: (mean: [Float], scale: [Float]) {
        (mean.map { Float($0) }, standardDeviation.map { Float($0 + FeatureNormalization.epsilon) })
    }
}
