#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A linear (or logarithmic) map from a data interval onto a pixel interval, with round tick values.
struct AxisScale: Equatable {
    /// Data interval (lower < upper).
    let lower: Double, upper: Double
    /// Pixel positions of `lower` and `upper` (the y axis runs downwards, so its `pixelLower` is the larger).
    let pixelLower: Double, pixelUpper: Double
    /// Tick values inside the interval.
    let ticks: [Double]
    /// Whether positions are linear in log₁₀ of the value (lower > 0).
    var logarithmic = false

    /// A logarithmic scale from the power of ten at or below `minimum` (> 0) to the one at or above `maximum`,
    /// with a tick at every power of ten.
    init(logarithmicCovering minimum: Double, _ maximum: Double, pixels: (Double, Double)) {
        precondition(minimum > 0 && maximum >= minimum, "a logarithmic scale needs 0 < minimum ≤ maximum")
        let first = log10(minimum).rounded(.down), last = max(log10(maximum).rounded(.up), first + 1)
        lower = pow(10, first)
        upper = pow(10, last)
        (pixelLower, pixelUpper) = pixels
        ticks = (Int(first)...Int(last)).map { pow(10, Double($0)) }
        logarithmic = true
    }

    /// Widens [minimum, maximum] to multiples of a 1-2-5 step giving about `tickCount` ticks.
    init(covering minimum: Double, _ maximum: Double, pixels: (Double, Double), tickCount: Int = 5) {
        var (low, high) = (min(minimum, maximum), max(minimum, maximum))
        if high - low < 1e-9 * max(1, abs(high)) {
            low -= max(1, abs(low) * 0.1)
            high += max(1, abs(high) * 0.1)
        }
        let step = Self.niceStep((high - low) / Double(max(tickCount, 1)))
        let first = (low / step).rounded(.down) * step, last = (high / step).rounded(.up) * step
        lower = first
        upper = last
        pixelLower = pixels.0
        pixelUpper = pixels.1
        let count = Int(((last - first) / step).rounded())
        ticks = (0...count).map { first + Double($0) * step }
    }

    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-12) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Pixel position of a data value (on a logarithmic scale, values below `lower` sit at `lower`).
    func pixel(_ value: Double) -> Double {
        guard logarithmic else { return pixelLower + (value - lower) / (upper - lower) * (pixelUpper - pixelLower) }
        let fraction = (log10(max(value, lower)) - log10(lower)) / (log10(upper) - log10(lower))
        return pixelLower + fraction * (pixelUpper - pixelLower)
    }

    /// Data value at a pixel position (the inverse of ``pixel(_:)``).
    func value(atPixel pixel: Double) -> Double {
        let fraction = (pixel - pixelLower) / (pixelUpper - pixelLower)
        guard logarithmic else { return lower + fraction * (upper - lower) }
        return pow(10, log10(lower) + fraction * (log10(upper) - log10(lower)))
    }

    /// "0", "40k", "1.5M", "-250", "0.5".
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return trimmed(value / 1e6) + "M" }
        if magnitude >= 1e4 { return trimmed(value / 1e3) + "k" }
        return trimmed(value)
    }

    private static func trimmed(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
