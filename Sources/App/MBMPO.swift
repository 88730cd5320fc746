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

// `--env` and `--algo` are typed: ArgumentParser lists their values in help and shell completion. They parse
// through `argument` so that a wrong name gets our reason (ArgumentParser's line already names the value).
extension EnvironmentID: ExpressibleByArgument {
    /// Parses `--env`; the error lists the valid names, or for a Gymnasium name says which of ours is closest.
    static let argument: @Sendable (String) throws -> EnvironmentID = { name in
        do {
            return try EnvironmentID(parsing: name)
        } catch let error as EnvironmentLookupError {
            throw ArgumentReason(text: error.reason)
        }
    }
}

extension Algorithm: ExpressibleByArgument {
    /// Parses `--algo`; the error lists the valid names.
    static let argument: @Sendable (String) throws -> Algorithm = { name in
        guard let value = Algorithm(rawValue: name) else {
            throw ArgumentReason(text: "choose one of: " + Algorithm.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}

/// Why ArgumentParser's "The value '…' is invalid for '--…'" was refused.
struct ArgumentReason: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

extension CompletionKind {
    /// The task names, for shell completion of `--env`.
    static var environments: CompletionKind { EnvironmentID.defaultCompletionKind }
    /// The algorithm names, for shell completion of `--algo`.
    static var algorithms: CompletionKind { Algorithm.defaultCompletionKind }
}
