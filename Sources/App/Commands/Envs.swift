import ArgumentParser
import Sim

/// `mbmpo envs`: one line per environment.
struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the environments: name, observation size, action size, dt, horizon.")

    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        print(pad("name", 16) + pad("obs", 5) + pad("act", 5) + pad("dt", 8) + "horizon")
        for id in EnvironmentID.allCases {
            let spec = try id.make(assets: assetOptions.assets).spec
            print(
                pad(id.rawValue, 16) + pad("\(spec.observationSize)", 5) + pad("\(spec.actionSize)", 5)
                    + pad(format(spec.dt, decimals: 3), 8) + "\(spec.horizon)")
        }
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// Fixed-point formatting without Foundation; a value too large for it (beyond ±1e15, where the digits after the
/// point mean nothing and Int would overflow) in Swift's own notation ("-7.7e+39").
func format(_ value: Double, decimals: Int) -> String {
    guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let integer = Int(rounded / scale)
    let fraction = Int(rounded - Double(integer) * scale)
    var fractionText = "\(fraction)"
    while fractionText.count < decimals { fractionText = "0" + fractionText }
    let sign = value < 0 && rounded > 0 ? "-" : ""
    return decimals == 0 ? "\(sign)\(integer)" : "\(sign)\(integer).\(fractionText)"
}
