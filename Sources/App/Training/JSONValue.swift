import Core
import Foundation

/// A JSON document as a typed tree, keeping integers apart from fractional numbers and booleans apart from
/// numbers, so that configuration values can be type-checked before they are decoded.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    /// An integral number that fits in `Int64` (`2`, `2.0` and `1e3` all land here).
    case integer(Int64)
    /// An integral number above `Int64.max` (only `UInt64` fields accept it).
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value, trying the narrowest type first.
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as the JSON it came from.
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text (any top-level value); nil if it is not strict JSON (``StrictJSON``).
    init?(parsing text: String) {
        guard (try? StrictJSON.check(text)) != nil,
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        else { return nil }
        self = value
    }

    /// Any `Encodable` value as a tree.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// The object's members, or nil for other values.
    var objectMembers: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Compact JSON text (for messages).
    var compactText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "?"
    }

    /// Indented JSON text with sorted keys. JSON has no NaN or infinity: a document holding one is refused with the
    /// place it is at (`returns[3]`), so that no file is written with a number standing in for it.
    func prettyText() throws -> String {
        if let place = nonFinitePlace() {
            throw NonFiniteJSONNumber(place: place)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Where the first NaN or infinite number lies (`groups[2].returnMean`, keys in sorted order), or nil.
    func nonFinitePlace(at prefix: String = "") -> String? {
        switch self {
        case .number(let value) where !value.isFinite: return prefix.isEmpty ? "the top level" : prefix
        case .array(let values):
            return values.indices.lazy.compactMap { values[$0].nonFinitePlace(at: "\(prefix)[\($0)]") }.first
        case .object(let members):
            return members.keys.sorted().lazy.compactMap {
                members[$0]?.nonFinitePlace(at: prefix.isEmpty ? $0 : "\(prefix).\($0)")
            }.first
        default: return nil
        }
    }
}

/// A value that JSON cannot hold: a NaN or infinite number, at `place`.
struct NonFiniteJSONNumber: Error, Equatable, CustomStringConvertible {
    let place: String
    var description: String { "cannot write a NaN or infinite number as JSON (at \(place))" }
}
