import Foundation

/// Paths and record mode shared by the App tests.
enum TestFiles {
    /// The package root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `MBMPO_RECORD=1` rewrites snapshots and generated sections instead of comparing with them.
    static var recording: Bool { ProcessInfo.processInfo.environment["MBMPO_RECORD"] == "1" }

    /// A fresh empty folder under the system temporary directory.
    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbmpo-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads a file as UTF-8 text ("" if it does not exist).
    static func text(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}
