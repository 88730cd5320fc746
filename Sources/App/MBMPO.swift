import ArgumentParser
import Learner
import Sim

/// The `mbmpo` command: model-based meta-policy optimization on MuJoCo.
@main
struct MBMPO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbmpo",
        abstract: "Model-Based RL via Meta-Policy Optimization (MB-MPO) on MuJoCo.",
        version: "mbmpo \(ProgramVersion.text)",
        subcommands: [
            Train.self, Config.self, Plot.self, Envs.self, Rollout.self, Bench.self, Replay.self,
            Render.self, Export.self, Eval.self,
        ])
}

/// Options every command that touches the simulator shares.
struct AssetOptions: ParsableArguments {
    @Option(help: "Folder holding the MJCF models (default: found automatically, or $MBMPO_ASSETS).")
    var assets: String?

    /// Routes MuJoCo's warnings to standard error (never to MUJOCO_LOG.TXT in the working directory).
    func validate() throws {
        MuJoCoWarnings.routeToStandardError()
    }
}

extension CompletionKind {
    /// The task names, for shell completion of `--env`.
    static var environments: CompletionKind { .list(EnvironmentID.allCases.map(\.rawValue)) }
    /// The algorithm names, for shell completion of `--algo`.
    static var algorithms: CompletionKind { .list(Algorithm.allCases.map(\.rawValue)) }
}
