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

    /// Loads this task's model from the model folder (see ``AssetLocator``).
    public func loadModel(assets: String? = nil) throws -> MuJoCoModel {
        try MuJoCoModel(path: AssetLocator.modelPath(modelFile, explicit: assets))
    }

    /// A new environment instance over a shared, already loaded model.
    public func make(model: MuJoCoModel) throws -> any MuJoCoEnvironment {
        switch self {
        case .halfCheetah: return try HalfCheetah(model: model)
        case .ant: return try Ant(model: model)
        case .walker2d: return try Walker2d(model: model)
        case .hopper: return try Hopper(model: model)
        case .swimmer: return try Swimmer(model: model)
        case .pr2: return try PR2Reacher(model: model)
        }
    }

    /// Loads the model and makes one environment.
    public func make(assets: String? = nil) throws -> any MuJoCoEnvironment {
        try make(model: loadModel(assets: assets))
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
