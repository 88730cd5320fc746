import Foundation
import Learner

/// Builds a ``TrainingConfig`` from a preset, an optional JSON file and `key.path=value` overrides, rejecting
/// unknown keys and wrong types with the key path and the reason.
///
/// Precedence: preset → file → overrides. A file or override may name only keys the configuration has; values
/// are JSON literals (a bare word that is not valid JSON is taken as a string).
enum ConfigurationFile {
    /// A problem with a configuration file or override.
    struct Problem: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Applies `file` (JSON text) and then `overrides` on top of `base`.
    static func resolve(base: TrainingConfig, fileText: String?, fileName: String = "configuration",
                        overrides: [String]) throws -> TrainingConfig {
        var tree = try jsonObject(of: base)
        if let fileText {
            guard let data = fileText.data(using: .utf8),
                  let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
                throw Problem(message: "\(fileName): not valid JSON")
            }
            guard let object = parsed as? [String: Any] else {
                throw Problem(message: "\(fileName): the top level must be a JSON object")
            }
            tree = try merge(object, into: tree, path: [], source: fileName)
        }
        for override in overrides {
            tree = try apply(override: override, to: tree)
        }
        return try decode(tree, source: fileText == nil && overrides.isEmpty ? "preset" : "configuration")
    }

    /// The configuration as a JSON object tree.
    static func jsonObject(of config: TrainingConfig) throws -> [String: Any] {
        let data = try JSONEncoder().encode(config)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(message: "internal error: configuration is not a JSON object")
        }
        return object
    }

    /// Pretty JSON with sorted keys.
    static func prettyJSON(_ config: TrainingConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    /// Deep-merges `patch` into `tree`; every key of `patch` must exist in `tree`.
    static func merge(_ patch: [String: Any], into tree: [String: Any], path: [String], source: String) throws
        -> [String: Any] {
        var result = tree
        for (key, value) in patch {
            let keyPath = (path + [key]).joined(separator: ".")
            guard let existing = tree[key] else {
                let known = tree.keys.sorted().joined(separator: ", ")
                throw Problem(message: "\(source): unknown key '\(keyPath)' (known here: \(known))")
            }
            if let existingObject = existing as? [String: Any] {
                guard let patchObject = value as? [String: Any] else {
                    throw Problem(message: "\(source): '\(keyPath)' must be an object")
                }
                result[key] = try merge(patchObject, into: existingObject, path: path + [key], source: source)
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Sets `a.b.c=value` in the tree.
    static func apply(override: String, to tree: [String: Any]) throws -> [String: Any] {
        guard let equals = override.firstIndex(of: "=") else {
            throw Problem(message: "--set '\(override)': expected key.path=value")
        }
        let path = override[..<equals].split(separator: ".").map(String.init)
        let text = String(override[override.index(after: equals)...])
        guard !path.isEmpty else { throw Problem(message: "--set '\(override)': empty key") }
        let value: Any = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
            ?? text
        var patch: [String: Any] = [path[path.count - 1]: value]
        for key in path.dropLast().reversed() { patch = [key: patch] }
        return try merge(patch, into: tree, path: [], source: "--set \(path.joined(separator: "."))")
    }

    /// Decodes the tree, turning decoding errors into key-path messages.
    static func decode(_ tree: [String: Any], source: String) throws -> TrainingConfig {
        let data = try JSONSerialization.data(withJSONObject: tree)
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw Problem(message: "\(source): '\(keyPath(context))' must be of type \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw Problem(message: "\(source): '\(keyPath(context))': \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw Problem(message: "\(source): '\(keyPath(context))' needs a \(type) value")
        } catch {
            throw Problem(message: "\(source): \(error)")
        }
    }

    static func keyPath(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
