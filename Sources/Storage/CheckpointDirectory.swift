import Foundation

/// The `checkpoints` folder of a run: `iter-NNNN.h5` after every iteration (NNNN = iterations completed), a text
/// file `latest` naming the newest, and only the newest `keep` checkpoints retained.
public struct CheckpointDirectory {
    /// The folder (`RUN/checkpoints`).
    public let url: URL
    /// Checkpoints retained after each save (at least 1).
    public let keep: Int

    /// The checkpoint folder of the run folder `run`.
    public init(run: URL, keep: Int = 3) {
        precondition(keep >= 1, "keep at least one checkpoint, got \(keep)")
        url = run.appendingPathComponent("checkpoints", isDirectory: true)
        self.keep = keep
    }

    /// File name of the checkpoint after `iteration` completed iterations.
    public static func fileName(iteration: Int) -> String {
        "iter-" + String(repeating: "0", count: max(0, 4 - String(iteration).count)) + String(iteration) + ".h5"
    }

    /// Path of the checkpoint after `iteration` completed iterations.
    public func path(iteration: Int) -> String { url.appendingPathComponent(Self.fileName(iteration: iteration)).path }

    /// Iteration numbers of the complete checkpoints present, ascending.
    public func iterations() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("iter-"), name.hasSuffix(".h5") else { return nil }
            return Int(name.dropFirst(5).dropLast(3))
        }.sorted()
    }

    /// Whether the folder holds no checkpoint at all (no `latest`, no `iter-*.h5`): a run that stopped before its
    /// first checkpoint.
    public var isEmpty: Bool {
        !RegularFile.anythingExists(at: url.appendingPathComponent("latest").path) && iterations().isEmpty
    }

    /// Writes `checkpoint` atomically, points `latest` at it and deletes all but the newest ``keep``.
    /// - Returns: the checkpoint's path.
    @discardableResult
    public func save(_ checkpoint: Checkpoint) throws -> String {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw StorageError.io(path: url.path, reason: "cannot create the folder")
        }
        let path = path(iteration: checkpoint.state.iteration)
        try CheckpointFile.write(checkpoint, to: path)
        try AtomicFile.write(
            text: Self.fileName(iteration: checkpoint.state.iteration) + "\n",
            to: url.appendingPathComponent("latest").path)
        for old in iterations().dropLast(keep) where old != checkpoint.state.iteration {
            try? FileManager.default.removeItem(atPath: self.path(iteration: old))
        }
        return path
    }

    /// Path of the newest checkpoint: the one `latest` names, or (if `latest` is missing, e.g. after a crash
    /// between the rename and the pointer update) the highest-numbered one.
    public func latestPath() throws -> String {
        let pointer = url.appendingPathComponent("latest").path
        if RegularFile.anythingExists(at: pointer) {
            // present but unreadable, not text or naming nothing: an error, never silently passed over
            let name = try RegularFile.text(pointer).trimmingCharacters(in: .whitespacesAndNewlines)
            guard name.hasPrefix("iter-"), name.hasSuffix(".h5"), !name.contains("/") else {
                throw StorageError.malformed(path: pointer, reason: "does not name a checkpoint file")
            }
            let path = url.appendingPathComponent(name).path
            guard RegularFile.anythingExists(at: path) else {
                throw StorageError.malformed(path: pointer, reason: "names '\(name)', which does not exist")
            }
            return path
        }
        guard let newest = iterations().last else {
            throw StorageError.missing(path: url.appendingPathComponent("latest").path)
        }
        return path(iteration: newest)
    }
}
