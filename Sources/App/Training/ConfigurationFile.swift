import Core
import Foundation
import Learner

/// Builds a ``TrainingConfig`` from a preset, an optional JSON file and `key.path=value` overrides, rejecting
/// unknown keys, wrong types and out-of-range values with the key path and the reason.
///
/// Precedence: preset → file → overrides. A file or override may name only keys the configuration has, and
/// every value is checked against the field's type (``ConfigurationSchema``) before decoding; the result then
/// passes ``TrainingConfig/validate()``. Override values are JSON literals (a bare word that is not valid JSON is
/// taken as a string).
enum ConfigurationFile {
    /// A problem with a configuration file or override, as one line.
    struct Problem: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Applies `fileText` (JSON) and then `overrides` on top of `base`, and validates the result.
    static func resolve(
        base: TrainingConfig, fileText: String?, fileName: String = "configuration",
        overrides: [String]
    ) throws -> TrainingConfig {
        var tree = try tree(of: base)
        if let fileText {
            do {
                try StrictJSON.check(fileText)
            } catch {
                throw Problem(message: "\(fileName): not valid JSON: \(error)")
            }
            guard let parsed = JSONValue(parsing: fileText) else {
                throw Problem(message: "\(fileName): not valid JSON")
            }
            guard let object = parsed.objectMembers else {
                throw Problem(message: "\(fileName): the top level must be a JSON object")
            }
            tree = try merge(object, into: tree, path: [], source: fileName)
        }
        for override in overrides {
            tree = try apply(override: override, to: tree)
        }
        let config = try decode(tree)
        do {
            try config.validate()
        } catch let error as ConfigurationError {
            let value = ConfigurationReference.value(
                at: error.key.split(separator: ".").map(String.init)[...],
                in: tree)
            let got = error.reason.contains("got") ? "" : value.map { ", got \(shown($0.compactText))" } ?? ""
            throw Problem(message: "configuration: '\(error.key)' \(error.reason)\(got)")
        }
        return config
    }

    /// The configuration as a tree, with an explicit `null` for every unset optional field.
    static func tree(of config: TrainingConfig) throws -> JSONValue {
        ConfigurationSchema.fillingNulls(try JSONValue(encoding: config))
    }

    /// Pretty JSON with sorted keys (what `config.json` and `mbmpo config show` hold).
    static func prettyJSON(_ config: TrainingConfig) throws -> String {
        try tree(of: config).prettyText()
    }

    /// Deep-merges `patch` into `tree`; every key must exist in `tree` and every leaf value must have the
    /// field's type.
    static func merge(
        _ patch: [String: JSONValue], into tree: JSONValue, path: [String], source: String
    ) throws
        -> JSONValue
    {
        guard var members = tree.objectMembers else {
            throw Problem(message: "\(source): '\(path.joined(separator: "."))' is not an object")
        }
        for written in patch.keys.sorted() {
            guard let value = patch[written] else { continue }
            let key = formerNames[(path + [written]).joined(separator: ".")] ?? written
            if key != written, patch[key] != nil {
                throw Problem(
                    message: "\(source): '\((path + [written]).joined(separator: "."))' is the former name of "
                        + "'\((path + [key]).joined(separator: "."))'; give only one of them")
            }
            let keyPath = path + [key]
            let dotted = keyPath.joined(separator: ".")
            guard let existing = members[key] else {
                let known = members.keys.sorted().joined(separator: ", ")
                let place = path.isEmpty ? "" : " in '\(path.joined(separator: "."))'"
                throw Problem(message: "\(source): unknown key '\(shown(dotted))'\(place) (known keys: \(known))")
            }
            if case .object = existing {
                guard let patchObject = value.objectMembers else {
                    throw Problem(
                        message: "\(source): '\(dotted)' is a group of settings and needs a JSON object, "
                            + "got \(shown(value.compactText))")
                }
                members[key] = try merge(patchObject, into: existing, path: keyPath, source: source)
            } else {
                if let field = ConfigurationSchema.field(keyPath), !field.kind.accepts(value) {
                    throw Problem(
                        message: "\(source): '\(dotted)' must be \(article(field.kind.name)), "
                            + "got \(shown(value.compactText))")
                }
                members[key] = value
            }
        }
        return .object(members)
    }

    /// Keys renamed since configurations were first written, by dotted former path → current key: files and
    /// `--set` may still use the former name (the decoders of ``TrainingConfig`` accept it in run folders and
    /// checkpoints too).
    static let formerNames: [String: String] = [
        "dynamics.productPrecision": "matrixPrecision",
        "meta.trpo.productPrecision": "curvaturePrecision",
    ]

    /// Sets `a.b.c=value` in the tree.
    static func apply(override: String, to tree: JSONValue) throws -> JSONValue {
        guard let equals = override.firstIndex(of: "=") else {
            throw Problem(message: "--set '\(shown(override))': expected key.path=value")
        }
        let path = override[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else {
            throw Problem(message: "--set '\(shown(override))': empty key in '\(shown(String(override[..<equals])))'")
        }
        let text = String(override[override.index(after: equals)...])
        // a value that looks like a list, object or quoted string must be strict JSON; a bare word is a string
        if let first = text.first, "[{\"".contains(first) {
            do {
                try StrictJSON.check(text)
            } catch let error as StrictJSONError {
                throw Problem(
                    message: "--set \(path.joined(separator: ".")): not valid JSON at column \(error.column): "
                        + error.problem)
            }
        }
        let value = JSONValue(parsing: text) ?? .string(text)
        var patch: [String: JSONValue] = [path[path.count - 1]: value]
        for key in path.dropLast().reversed() { patch = [key: .object(patch)] }
        return try merge(patch, into: tree, path: [], source: "--set \(path.joined(separator: "."))")
    }

    /// Decodes the checked tree; a decoding error here means the schema missed a case, so it names the key.
    static func decode(_ tree: JSONValue) throws -> TrainingConfig {
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(tree))
        } catch let DecodingError.typeMismatch(type, context) {
            throw Problem(message: "configuration: '\(keyPath(context))' must be of type \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw Problem(message: "configuration: '\(keyPath(context))': \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw Problem(message: "configuration: '\(keyPath(context))' needs a \(type) value")
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw Problem(message: "configuration: '\(path)' is missing")
        }
    }

    static func keyPath(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// `text`, or for a long one (an input echoed back) its first 60 characters and its length: errors stay one
    /// short line whatever the input.
    static func shown(_ text: String) -> String {
        text.count <= 80 ? text : "\(text.prefix(60))… (\(text.count) characters)"
    }

    /// "an integer", "a number", "one of …" (no article).
    static func article(_ name: String) -> String {
        if name.hasPrefix("one of") { return name }
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }
}
