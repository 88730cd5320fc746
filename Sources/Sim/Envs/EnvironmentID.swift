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

    /// The MJCF file of this task inside the model folder.
    public var modelFile: String {
        switch self {
        case .halfCheetah: return HalfCheetah.modelFile
        case .ant: return Ant.modelFile
        case .walker2d: return Walker2d.modelFile
        case .hopper: return Hopper.modelFile
        case .swimmer: return Swimmer.modelFile
        case .pr2: return PR2Reacher.modelFile
        }
    }

    /// Loads this task's model from the model folder (see ``AssetLocator``); `timestep` replaces the file's physics
    /// timestep (seconds) when given.
    public func loadModel(assets: String? = nil, timestep: Double? = nil) throws -> MuJoCoModel {
        try MuJoCoModel(path: AssetLocator.modelPath(modelFile, explicit: assets), timestep: timestep)
    }

    /// The task's physics steps per environment step in the original code (its dt is the model's timestep × this).
    public var defaultFrameSkip: Int {
        switch self {
        case .halfCheetah: return HalfCheetah.frameSkip
        case .ant: return Ant.frameSkip
        case .walker2d: return Walker2d.frameSkip
        case .hopper: return Hopper.frameSkip
        case .swimmer: return Swimmer.frameSkip
        case .pr2: return PR2Reacher.frameSkip
        }
    }

    /// A new environment instance over a shared, already loaded model; `frameSkip` overrides the task's own.
    public func make(model: MuJoCoModel, frameSkip: Int? = nil) throws -> any MuJoCoEnvironment {
        let skip = frameSkip ?? defaultFrameSkip
        switch self {
        case .halfCheetah: return try HalfCheetah(model: model, frameSkip: skip)
        case .ant: return try Ant(model: model, frameSkip: skip)
        case .walker2d: return try Walker2d(model: model, frameSkip: skip)
        case .hopper: return try Hopper(model: model, frameSkip: skip)
        case .swimmer: return try Swimmer(model: model, frameSkip: skip)
        case .pr2: return try PR2Reacher(model: model, frameSkip: skip)
        }
    }

    /// Loads the model and makes one environment (optionally with another timestep and frame skip).
    public func make(assets: String? = nil, timestep: Double? = nil, frameSkip: Int? = nil) throws
        -> any MuJoCoEnvironment {
        try make(model: loadModel(assets: assets, timestep: timestep), frameSkip: frameSkip)
    }
}

/// An environment name that is not one of ours.
public enum EnvironmentLookupError: Error, Equatable, CustomStringConvertible {
    case unknown(name: String)

    public var description: String {
        switch self {
        case .unknown(let name):
            let names = EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown environment '\(name)'; choose one of: \(names)"
        }
    }
}
