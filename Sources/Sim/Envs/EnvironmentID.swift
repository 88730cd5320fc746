import Core

/// The six tasks of the paper (horizon 200, rllab-style rewards) and Gymnasium's MuJoCo v5 tasks (horizon 1000,
/// Reacher 50), by command-line name.
public enum EnvironmentID: String, CaseIterable, Codable, Sendable {
    case halfCheetah = "half-cheetah"
    case ant
    case walker2d
    case hopper
    case swimmer
    case pr2
    case halfCheetahV5 = "HalfCheetah-v5"
    case hopperV5 = "Hopper-v5"
    case walker2dV5 = "Walker2d-v5"
    case antV5 = "Ant-v5"
    case swimmerV5 = "Swimmer-v5"
    case reacherV5 = "Reacher-v5"

    /// The paper's six tasks.
    public static let paperTasks: [EnvironmentID] = [.halfCheetah, .ant, .walker2d, .hopper, .swimmer, .pr2]
    /// Gymnasium's v5 tasks.
    public static let gymnasiumTasks: [EnvironmentID] = [
        .halfCheetahV5, .hopperV5, .walker2dV5, .antV5, .swimmerV5, .reacherV5,
    ]

    /// Gymnasium's registration of this task as its `EnvSpec.to_json()` writes it (Gymnasium 1.x: entry point,
    /// reward threshold, time limit), for datasets that name the environment; nil for the paper's tasks.
    public var gymnasiumEnvSpec: String? {
        let registration: (entry: String, threshold: String, steps: Int)
        switch self {
        case .halfCheetahV5: registration = ("half_cheetah_v5:HalfCheetahEnv", "4800.0", 1000)
        case .hopperV5: registration = ("hopper_v5:HopperEnv", "3800.0", 1000)
        case .walker2dV5: registration = ("walker2d_v5:Walker2dEnv", "null", 1000)
        case .antV5: registration = ("ant_v5:AntEnv", "6000.0", 1000)
        case .swimmerV5: registration = ("swimmer_v5:SwimmerEnv", "360.0", 1000)
        case .reacherV5: registration = ("reacher_v5:ReacherEnv", "-3.75", 50)
        default: return nil
        }
        return "{\"id\": \"\(rawValue)\", \"entry_point\": \"gymnasium.envs.mujoco.\(registration.entry)\", "
            + "\"reward_threshold\": \(registration.threshold), \"nondeterministic\": false, "
            + "\"max_episode_steps\": \(registration.steps), \"order_enforce\": true, \"disable_env_checker\": false, "
            + "\"kwargs\": {}, \"additional_wrappers\": [], \"vector_entry_point\": null}"
    }

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
        case .halfCheetahV5: return HalfCheetahV5.self
        case .hopperV5: return HopperV5.self
        case .walker2dV5: return Walker2dV5.self
        case .antV5: return AntV5.self
        case .swimmerV5: return SwimmerV5.self
        case .reacherV5: return ReacherV5.self
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

    /// Our task whose name equals `name` but for letter case (`hopper-v5` → `Hopper-v5`).
    static func caseInsensitiveMatch(_ name: String) -> EnvironmentID? {
        EnvironmentID.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
    }

    /// Our v5 task for another version of a Gymnasium name (`Hopper-v4` → `Hopper-v5`).
    static func gymnasiumVersion(of name: String) -> EnvironmentID? {
        let parts = name.split(separator: "-")
        guard parts.count == 2, parts[1].hasPrefix("v"), parts[1].dropFirst().allSatisfy(\.isNumber) else { return nil }
        return EnvironmentID.gymnasiumTasks.first {
            $0.rawValue.split(separator: "-")[0].lowercased() == parts[0].lowercased()
        }
    }

    /// Why the name was refused, without the name: the valid names, or the one it was probably meant to be.
    public var reason: String {
        switch self {
        case .unknown(let given):
            if let match = Self.caseInsensitiveMatch(given) { return "did you mean '\(match.rawValue)'?" }
            if let v5 = Self.gymnasiumVersion(of: given) {
                return "of Gymnasium's MuJoCo tasks only v5 is available: '\(v5.rawValue)'"
            }
            return "choose one of: " + EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }

    public var description: String {
        switch self {
        case .unknown(let given):
            // an input echoed back stays short
            let name = given.count <= 80 ? given : "\(given.prefix(60))… (\(given.count) characters)"
            return "unknown environment '\(name)'; \(reason)"
        }
    }
}
