import ArgumentParser

/// `mbmpo bench`: throughput benchmarks of the hot paths.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: environment stepping, dynamics ensemble, meta-policy optimization.",
        subcommands: [BenchEnv.self, BenchDynamics.self, BenchMeta.self, BenchRender.self])
}
