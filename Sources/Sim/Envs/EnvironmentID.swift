import Core

/// The six tasks of the paper, by command-line name.
public enum EnvironmentID: String, CaseIterable, Codable, Sendable {
    case halfCheetah = "half-cheetah"
    case ant
    case walker2d
    case hopper
    case swimmer
    case pr2

    /// Parses a command-line name; the error lists the valid names.
    public init(parsing name: String) throws {
        guard let id = EnvironmentID(rawValue: name) else {
            throw EnvironmentLookupError.unknown(name: name)
        }
        self = id
    }

    /// The environment class of this task.
    public var task: any MuJoCoTask.Type {
        switch self {
        case .halfCheetah: return HalfCheetah.self
        case .ant: return Ant.self
        case .walker2d: return Walker2d.self
        case .hopper: return Hopper.self
        case .swimmer: return Swimmer.self
        case .pr2: return PR2Reacher.self
        }
    }

    /// The MJCF file of this task inside the model folder.
    public var modelFile: String { task.modelFile }

    /// Loads this task's model from the model folder (see ``AssetLocator``); `timestep` replaces the file's physics
    /// timestep (seconds) when given.
    public func loadModel(assets: String? = nil, timestep: Double? = nil) throws -> MuJoCoModel {
        try MuJoCoModel(path: AssetLocator.modelPath(modelFile, explicit: assets), timestep: timestep)
    }

    /// The task's physics steps per environment step in the original code (its dt is the model's timestep × this).
    public var defaultFrameSkip: Int { task.frameSkip }

    /// A new environment instance over a shared, already loaded model; `frameSkip` overrides the task's own.
    public func make(model: MuJoCoModel, frameSkip: Int? = nil) throws -> any MuJoCoEnvironment {
        try task.init(model: model, frameSkip: frameSkip ?? defaultFrameSkip)
    }

    /// Loads the model and makes one environment (optionally with another timestep and frame skip).
    public func make(
        assets: String? = nil, timestep: Double? = nil, frameSkip: Int? = nil
    ) throws
        -> any MuJoCoEnvironment
    {
        try make(model: loadModel(assets: assets, timestep: timestep), frameSkip: frameSkip)
    }
}

/// An environment name that is not one of ours.
public enum EnvironmentLookupError: Error, Equatable, CustomStringConvertible {
    case unknown(name: String)

    /// Our task closest to a Gymnasium name such as `HalfCheetah-v5` (Reacher and Pusher: the PR2 reach).
    static func paperTask(forGymnasiumName name: String) -> EnvironmentID? {
        let parts = name.split(separator: "-")
        guard parts.count == 2, parts[1].hasPrefix("v"), parts[1].dropFirst().allSatisfy(\.isNumber) else { return nil }
        switch parts[0].lowercased() {
        case "halfcheetah": return .halfCheetah
        case "hopper": return .hopper
        case "walker2d": return .walker2d
        case "ant": return .ant
        case "swimmer": return .swimmer
        case "reacher", "pusher": return .pr2
        default: return nil
        }
    }

    /// Why the name was refused, without the name: the valid names, or for a Gymnasium name the closest of ours.
    public var reason: String {
        switch self {
        case .unknown(let given):
            if let ours = Self.paperTask(forGymnasiumName: given) {
                return "Gymnasium's MuJoCo tasks (horizon 1000) are not available; "
                    + "the paper's version of this task (horizon 200, rllab-style rewards) is '\(ours.rawValue)'"
            }
            return "choose one of: " + EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }

    public var description: String {
        switch self {
        case .unknown(let given):
            // an input echoed back stays short
            let name = given.count <= 80 ? given : "\(given.prefix(60))… (\(given.count) characters)"
            let separator = Self.paperTask(forGymnasiumName: given) == nil ? "; " : ": "
            return "unknown environment '\(name)'\(separator)\(reason)"
        }
    }
}
