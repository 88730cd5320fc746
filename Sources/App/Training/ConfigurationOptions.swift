import ArgumentParser
import Foundation
import Learner
import Sim
import Storage

/// The inputs of a configuration and their one resolution path, shared by `mbmpo train` and
/// `mbmpo config show`: preset → `--config` file → `--set` overrides → explicit flags, then validation.
struct ConfigurationInputs {
    var environment: String?
    var algorithm: String?
    var preset: TrainingPreset = .paper
    var file: String?
    var overrides: [String] = []
    var seed: UInt64?
    var iterations: Int?
    var threads: Int?
    var totalSteps: Int? = nil

    /// The machine's processors (at most 256): the thread count when neither a flag, a file nor `--set` gives one.
    static var defaultThreads: Int { min(256, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// The resolved and validated configuration; every problem is one line naming the key and the reason.
    func resolve() throws -> TrainingConfig {
        let algorithm = try self.algorithm.map(Self.parseAlgorithm) ?? .mbMPO
        let environment = try EnvironmentID(parsing: self.environment ?? "half-cheetah").rawValue
        let base = try preset.configuration(algorithm: algorithm, environment: environment)
        let fileText = try file.map { path -> String in
            do {
                return try RegularFile.text(path)
            } catch {
                throw ConfigurationFile.Problem(message: "cannot read configuration file '\(path)': \(error)")
            }
        }
        // the flags are applied as overrides so that they pass the same checks as everything else
        var flags = overrides
        if self.environment != nil { flags.append("environment=\"\(environment)\"") }
        if self.algorithm != nil { flags.append("algorithm=\"\(algorithm.rawValue)\"") }
        if let seed { flags.append("seed=\(seed)") }
        if let iterations { flags.append("iterations=\(iterations)") }
        if let threads {
            flags.append("threads=\(threads)")
        } else if !overrides.contains(where: { $0.hasPrefix("threads=") }),
            fileText.flatMap({ JSONValue(parsing: $0)?.objectMembers?["threads"] }) == nil
        {
            // unless told otherwise, use every processor (results do not depend on it)
            flags.append("threads=\(Self.defaultThreads)")
        }
        if let totalSteps { flags.append("totalSteps=\(totalSteps)") }
        let resolved = try ConfigurationFile.resolve(
            base: base, fileText: fileText, fileName: file ?? "",
            overrides: flags)
        do {
            _ = try EnvironmentID(parsing: resolved.environment)
        } catch {
            throw ConfigurationFile.Problem(message: "configuration: 'environment': \(error)")
        }
        return resolved
    }

    /// `mb-mpo` → `.mbMPO`, or a one-line error listing the choices.
    static func parseAlgorithm(_ name: String) throws -> Algorithm {
        guard let value = Algorithm(rawValue: name) else {
            throw ConfigurationFile.Problem(
                message: "unknown algorithm '\(ConfigurationFile.shown(name))'; choose one of: "
                    + Algorithm.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}

/// Named starting points for a configuration.
enum TrainingPreset: String, ExpressibleByArgument, CaseIterable {
    case paper, submission, quick
    case badModels = "bad-models"
    case hyperparameterStudy = "hyperparameter-study"

    /// The preset's configuration for an algorithm and task; a one-line error for an algorithm the preset is not for.
    func configuration(algorithm: Algorithm, environment: String) throws -> TrainingConfig {
        guard let config = settings(algorithm: algorithm, environment: environment) else {
            let algorithms = Algorithm.allCases.filter { settings(algorithm: $0, environment: environment) != nil }
            throw ConfigurationFile.Problem(
                message: "the \(rawValue) preset is for \(algorithms.map(\.rawValue).joined(separator: " and ")) only, "
                    + "not \(algorithm.rawValue)")
        }
        return config
    }

    /// The preset's settings, nil where it has none for `algorithm`.
    private func settings(algorithm: Algorithm, environment: String) -> TrainingConfig? {
        switch self {
        case .paper: return .paper(algorithm, environment: environment)
        case .submission: return .submission(algorithm, environment: environment)
        case .quick: return .quick(algorithm, environment: environment)
        case .badModels: return .badModels(algorithm, environment: environment)
        case .hyperparameterStudy: return .hyperparameterStudy(algorithm, environment: environment)
        }
    }

    /// One line per preset for `--preset`'s help.
    static let help =
        "Settings preset: paper (the paper's hyperparameters; hopper and walker2d at the original code's final "
        + "0.02 s step), submission (the same with the 0.008 s step of the code submitted with the paper), quick (a "
        + "short demonstration run), bad-models (the robustness experiment's settings, MB-MPO and ME-TRPO; "
        + "the errors are dynamics.imperfection.*) or hyperparameter-study (the adaptation studies' settings, MB-MPO)."
}
