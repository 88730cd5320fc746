import Foundation

/// Finds the folder holding the MJCF models (`Assets/xml`). The one place that resolves asset paths.
///
/// Checked in order: an explicit folder (the `--assets` flag), the `MBMPO_ASSETS` environment variable,
/// `share/mbmpo/xml` or `Assets/xml` next to or above the running executable, `Assets/xml` above the current
/// directory, and finally the source checkout this module was compiled from.
public enum AssetLocator {
    /// Name of the environment variable that overrides the model folder.
    public static let environmentVariable = "MBMPO_ASSETS"

    /// The model folder, or ``SimError/assetsNotFound(searched:)`` listing where it looked.
    public static func modelDirectory(explicit: String? = nil) throws -> String {
        if let explicit {
            // an explicit choice is never second-guessed
            guard isModelDirectory(explicit) else { throw SimError.assetsNotFound(searched: [explicit]) }
            return explicit
        }
        let candidates = candidateDirectories()
        if let found = candidates.first(where: isModelDirectory) { return found }
        throw SimError.assetsNotFound(searched: candidates)
    }

    /// Full path of a model file inside the model folder.
    public static func modelPath(_ fileName: String, explicit: String? = nil) throws -> String {
        (try modelDirectory(explicit: explicit) as NSString).appendingPathComponent(fileName)
    }

    static func candidateDirectories() -> [String] {
        var result: [String] = []
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            result.append(fromEnvironment)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<5 {
            result.append(folder.appendingPathComponent("share/mbmpo/xml").path)
            result.append(folder.appendingPathComponent("Assets/xml").path)
            folder = folder.deletingLastPathComponent()
        }
        var current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<4 {
            result.append(current.appendingPathComponent("Assets/xml").path)
            current = current.deletingLastPathComponent()
        }
        // the checkout this file was compiled from: Sources/Sim/AssetLocator.swift -> repo root
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        result.append(source.appendingPathComponent("Assets/xml").path)
        var unique: [String] = []
        for path in result where !unique.contains(path) { unique.append(path) }
        return unique
    }

    static func isModelDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("half_cheetah.xml"))
    }
}
