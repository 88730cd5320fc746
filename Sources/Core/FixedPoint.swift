/// Fixed-point text of `value` with `decimals` digits after the point, without Foundation ("-0.004" to 2 decimals is
/// "0.00"); a value beyond ±1e15, where the digits after the point mean nothing and Int would overflow, and one that
/// is not finite, in Swift's own notation ("-7.7e+39", "inf"). The live display, the summaries and the viewer's
/// overlay all print numbers through it.
public func fixedPointText(_ value: Double, decimals: Int) -> String {
    guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let integer = Int(rounded / scale), fraction = Int(rounded - Double(integer) * scale)
    var fractionText = "\(fraction)"
    while fractionText.count < decimals { fractionText = "0" + fractionText }
    let sign = value < 0 && rounded > 0 ? "-" : ""
    return decimals == 0 ? "\(sign)\(integer)" : "\(sign)\(integer).\(fractionText)"
}
