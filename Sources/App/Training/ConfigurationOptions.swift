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
        let base = preset.configuration(algorithm: algorithm, environment: environment)
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

    /// The preset's configuration for an algorithm and task.
    func configuration(algorithm: Algorithm, environment: String) -> TrainingConfig {
        switch self {
        case .paper: return .paper(algorithm, environment: environment)
        case .submission: return .submission(algorithm, environment: environment)
        case .quick: return .quick(algorithm, environment: environment)
        }
    }
}
