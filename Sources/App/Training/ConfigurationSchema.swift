import Learner

/// An enumeration a configuration field may hold, with the spellings a file or `--set` may use.
protocol ConfigurationChoice {
    /// Every accepted spelling, in declaration order.
    static var choiceNames: [String] { get }
}

extension Algorithm: ConfigurationChoice {
    static var choiceNames: [String] { allCases.map(\.rawValue) }
}

extension CurvaturePrecision: ConfigurationChoice {
    static var choiceNames: [String] { allCases.map(\.rawValue) }
}

extension MatrixPrecision: ConfigurationChoice {
    static var choiceNames: [String] { allCases.map(\.rawValue) }
}

extension ImaginedStart: ConfigurationChoice {
    static var choiceNames: [String] { allCases.map(\.rawValue) }
}

extension BaselineOrder: ConfigurationChoice {
    static var choiceNames: [String] { [BaselineOrder.fitThenPredict, .predictThenFit].map(\.rawValue) }
}

/// The JSON type a configuration field accepts.
indirect enum FieldKind: Equatable {
    case integer
    /// A non-negative integer up to 2⁶⁴ − 1 (the seed).
    case unsignedInteger
    case number
    case boolean
    case text
    case choice([String])
    case integerList
    case optional(FieldKind)

    /// The name used in messages and in the configuration reference.
    var name: String {
        switch self {
        case .integer: return "integer"
        case .unsignedInteger: return "integer ≥ 0"
        case .number: return "number"
        case .boolean: return "boolean"
        case .text: return "string"
        case .choice(let names): return "one of " + names.joined(separator: ", ")
        case .integerList: return "list of integers"
        case .optional(let wrapped): return wrapped.name + " or null"
        }
    }

    /// Whether `value` has this type.
    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.integer, .integer), (.number, .integer), (.number, .unsigned), (.number, .number),
            (.unsignedInteger, .unsigned), (.boolean, .bool), (.text, .string), (.optional, .null):
            return true
        case (.unsignedInteger, .integer(let x)):
            return x >= 0
        case (.choice(let names), .string(let name)):
            return names.contains(name)
        case (.integerList, .array(let items)):
            return items.allSatisfy { if case .integer = $0 { return true } else { return false } }
        case (.optional(let wrapped), _):
            return wrapped.accepts(value)
        default:
            return false
        }
    }
}

/// One leaf of the configuration tree: its dotted key path, type, and documentation.
struct ConfigurationField: Equatable {
    /// Keys from the root, e.g. `["meta", "trpo", "maxKL"]`.
    let path: [String]
    let kind: FieldKind
    /// The Swift type that declares the field (`TRPOConfig` for `meta.trpo.maxKL`).
    let owner: String
    /// The field's `///` line(s) from its Swift declaration, joined.
    let doc: String

    /// `meta.trpo.maxKL`.
    var keyPath: String { path.joined(separator: ".") }
}

/// Every field of ``TrainingConfig``, found by reflecting over a value (so a new field appears here by itself),
/// with its documentation from ``ConfigurationDocs``.
enum ConfigurationSchema {
    /// The leaves in declaration order.
    static let fields: [ConfigurationField] = leaves(of: TrainingConfig(), path: [])

    /// The field at a key path, if any.
    static func field(_ path: [String]) -> ConfigurationField? {
        fields.first { $0.path == path }
    }

    /// Walks the stored properties of `value`; nested structs are followed, everything else is a leaf.
    static func leaves(of value: Any, path: [String]) -> [ConfigurationField] {
        Mirror(reflecting: value).children.flatMap { child -> [ConfigurationField] in
            guard let label = child.label else { return [] }
            let childPath = path + [label]
            if let kind = kind(of: child.value) {
                let keyPath = childPath.joined(separator: ".")
                return [
                    ConfigurationField(
                        path: childPath, kind: kind, owner: "\(type(of: value))",
                        doc: ConfigurationDocs.lines[keyPath] ?? "")
                ]
            }
            precondition(
                Mirror(reflecting: child.value).displayStyle == .struct,
                "configuration field \(childPath.joined(separator: ".")) has the unsupported type "
                    + "\(type(of: child.value)); teach FieldKind about it")
            return leaves(of: child.value, path: childPath)
        }
    }

    /// The JSON type of a leaf value, nil for a nested struct.
    static func kind(of value: Any) -> FieldKind? {
        // an Optional must be recognised by its static type: a dynamic cast would look through it
        if Mirror(reflecting: value).displayStyle == .optional {
            let type = type(of: value)
            if type == Double?.self { return .optional(.number) }
            if type == Int?.self { return .optional(.integer) }
            preconditionFailure("unsupported optional configuration type \(type)")
        }
        switch value {
        case is Int: return .integer
        case is UInt64: return .unsignedInteger
        case is Double: return .number
        case is Bool: return .boolean
        case is String: return .text
        case is [Int]: return .integerList
        case let choice as any ConfigurationChoice: return .choice(type(of: choice).choiceNames)
        default: return nil
        }
    }

    /// Adds an explicit `null` for every optional field the encoder left out, so that `nil` settings are shown
    /// and can be overridden like any other key.
    static func fillingNulls(_ tree: JSONValue) -> JSONValue {
        var result = tree
        for field in fields {
            if case .optional = field.kind { result = settingIfMissing(result, path: field.path[...]) }
        }
        return result
    }

    private static func settingIfMissing(_ tree: JSONValue, path: ArraySlice<String>) -> JSONValue {
        guard var members = tree.objectMembers, let key = path.first else { return tree }
        if path.count == 1 {
            if members[key] == nil { members[key] = .null }
        } else if let child = members[key] {
            members[key] = settingIfMissing(child, path: path.dropFirst())
        }
        return .object(members)
    }
}
