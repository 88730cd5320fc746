import ArgumentParser
import Core
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

/// Fixed-point formatting without Foundation (``fixedPointText(_:decimals:)``).
func format(_ value: Double, decimals: Int) -> String { fixedPointText(value, decimals: decimals) }
