import Foundation
import Testing

@testable import App

/// The configuration reference is generated from the Swift declarations and README.md shows exactly it.
@Suite struct ConfigurationReferenceTests {
    /// `///` text of every `public var` of every top-level `public struct` in Sources/Learner, keyed by
    /// "Struct.property" (continuation lines joined with spaces).
    static func declaredDocs() throws -> [String: String] {
        let folder = TestFiles.root.appendingPathComponent("Sources/Learner")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
        var docs: [String: String] = [:]
        for file in files where file.hasSuffix(".swift") {
            var owner: String?
            var pending: [String] = []
            for line in TestFiles.text(folder.appendingPathComponent(file)).split(
                separator: "\n",
                omittingEmptySubsequences: false)
            {
                if line.hasPrefix("public struct ") {
                    owner = line.dropFirst("public struct ".count).prefix { $0.isLetter || $0.isNumber }.description
                } else if line.hasPrefix("    ///") {
                    pending.append(line.dropFirst("    ///".count).trimmingCharacters(in: .whitespaces))
                    continue
                } else if line.hasPrefix("    public var "), let owner {
                    let name = line.dropFirst("    public var ".count).prefix { $0.isLetter || $0.isNumber }
                    docs["\(owner).\(name)"] = pending.joined(separator: " ")
                }
                pending = []
            }
        }
        return docs
    }

    /// ConfigurationDocs.swift as it should read.
    static func docsSource(_ docs: [(String, String)]) -> String {
        let body = docs.map {
            "        \"\($0.0)\":\n            \"\($0.1.replacingOccurrences(of: "\"", with: "\\\""))\","
        }
        let current = TestFiles.text(
            TestFiles.root.appendingPathComponent("Sources/App/Training/ConfigurationDocs.swift"))
        let header = current.components(separatedBy: "    static let lines").first ?? ""
        return header + "    static let lines: [String: String] = [\n" + body.joined(separator: "\n") + "\n    ]\n}\n"
    }

    @Test func docsEqualTheSwiftDeclarations() throws {
        let declared = try Self.declaredDocs()
        let expected = try ConfigurationSchema.fields.map { field -> (String, String) in
            let doc = try #require(
                declared["\(field.owner).\(field.path.last ?? "")"],
                "\(field.owner).\(field.path.last ?? "") has no /// line")
            return (field.keyPath, doc)
        }
        #expect(expected.count == ConfigurationSchema.fields.count)
        if TestFiles.recording {
            try Self.docsSource(expected).write(
                to: TestFiles.root.appendingPathComponent("Sources/App/Training/ConfigurationDocs.swift"),
                atomically: true, encoding: .utf8)
        }
        for (key, doc) in expected {
            #expect(
                ConfigurationDocs.lines[key] == doc,
                "ConfigurationDocs is stale for \(key); rerun with MBMPO_RECORD=1 and rebuild")
            #expect(!doc.isEmpty, "\(key) needs a /// line")
        }
        #expect(Set(ConfigurationDocs.lines.keys) == Set(expected.map(\.0)))
    }

    @Test func readmeTableEqualsTheGeneratedOne() throws {
        let generated = try ConfigurationReference.markdown()
        let readmeURL = TestFiles.root.appendingPathComponent("README.md")
        var readme = TestFiles.text(readmeURL)
        if TestFiles.recording, let current = ConfigurationReference.section(in: readme) {
            readme = readme.replacingOccurrences(of: current, with: generated)
            try readme.write(to: readmeURL, atomically: true, encoding: .utf8)
        }
        let section = try #require(ConfigurationReference.section(in: readme), "README.md lacks the reference markers")
        #expect(section == generated, "README's configuration table is stale: rerun with MBMPO_RECORD=1")
        // one row per field, each with its key path and a non-empty description
        let rows = generated.split(separator: "\n").dropFirst(2)
        #expect(rows.count == ConfigurationSchema.fields.count)
        for (row, field) in zip(rows, ConfigurationSchema.fields) {
            #expect(row.hasPrefix("| `\(field.keyPath)` | \(field.kind.name) | "))
            #expect(!row.hasSuffix("|  |"))
        }
        #expect(generated.contains("| `meta.trpo.maxKL` | number | `0.01` |"))
        #expect(generated.contains("| `sampling.clipObservations` | number or null | `1000` |"))
    }
}
