import Foundation
import Learner
import Storage

/// A training run's folder: `config.json` (the resolved configuration) and `progress.csv` (one row per iteration).
struct RunDirectory {
    let url: URL

    /// Opens the folder; with `creating`, makes it and refuses one that already holds a run.
    init(path: String, creating: Bool) throws {
        url = URL(fileURLWithPath: path, isDirectory: true)
        let manager = FileManager.default
        if creating {
            if manager.fileExists(atPath: url.appendingPathComponent("progress.csv").path) {
                throw RunDirectoryError.notEmpty(path: path)
            }
            do {
                try manager.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw RunDirectoryError.cannotWrite(path: path, reason: "cannot create the folder")
            }
            guard manager.isWritableFile(atPath: url.path) else {
                throw RunDirectoryError.cannotWrite(path: path, reason: "the folder is not writable")
            }
        }
    }

    /// Writes the resolved configuration as pretty JSON (`config.json`).
    func writeConfiguration(_ config: TrainingConfig) throws {
        let target = url.appendingPathComponent("config.json")
        do {
            try (ConfigurationFile.prettyJSON(config) + "\n").write(to: target, atomically: true, encoding: .utf8)
        } catch {
            throw RunDirectoryError.cannotWrite(path: target.path, reason: "\(error)")
        }
    }
}
