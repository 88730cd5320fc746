import ArgumentParser
import Learner
import Sim

/// `mbmpo config`: inspect configurations without training.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a resolved configuration or the reference of every setting.",
        subcommands: [Show.self, Reference.self])

    /// `mbmpo config show`: the configuration `train` would use, as JSON.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the resolved configuration as JSON (preset, then --config, then --set, then flags).")

        @Option(
            help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).",
            completion: .environments, transform: EnvironmentID.argument)
        var env: EnvironmentID?

        @Option(
            help: "Algorithm: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")) (default mb-mpo).",
            completion: .algorithms, transform: Algorithm.argument)
        var algo: Algorithm?

        @Option(help: ArgumentHelp(TrainingPreset.help))
        var preset: TrainingPreset = .paper

        @Option(help: "A JSON configuration file applied on top of the preset.")
        var config: String?

        @Option(name: .customLong("set"), help: "Override one setting, e.g. --set meta.trpo.maxKL=0.02 (repeatable).")
        var overrides: [String] = []

        @Option(help: "Random seed.")
        var seed: UInt64?

        @Option(help: "Outer iterations.")
        var iterations: Int?

        @Option(help: "Worker threads.")
        var threads: Int?

        func run() throws {
            let resolved = try ConfigurationInputs(
                environment: env?.rawValue, algorithm: algo?.rawValue, preset: preset, file: config,
                overrides: overrides, seed: seed, iterations: iterations,
                threads: threads
            ).resolve()
            print(try ConfigurationFile.prettyJSON(resolved))
        }
    }

    /// `mbmpo config reference`: every key path as a Markdown table.
    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting (key path, type, paper default, meaning) as a Markdown table.")

        func run() throws {
            print(try ConfigurationReference.markdown(), terminator: "")
        }
    }
}
