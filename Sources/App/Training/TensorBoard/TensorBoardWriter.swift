import Foundation
import Learner

/// Writes every metric of every iteration as TensorBoard scalars to `events.out.tfevents.<time>.<host>` in the
/// run folder (`tensorboard --logdir runs` shows them). The step of each point is the iteration's `n_timesteps`
/// (real environment steps as the original counts them), so curves of different algorithms line up.
final class TensorBoardWriter {
    /// The event file.
    let url: URL
    private let handle: FileHandle

    /// Creates the event file in `folder` and writes its `file_version` record.
    init(folder: URL, now: Date = Date()) throws {
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        try write(TensorBoardEvent.fileVersion(wallTime: now.timeIntervalSince1970))
    }

    deinit { try? handle.close() }

    /// Appends one event holding every value of `log`, tagged with its `progress.csv` column names.
    func append(_ log: IterationLog, now: Date = Date()) throws {
        let step = Int64(log["n_timesteps"] ?? log["Iteration"] ?? 0)
        let values = zip(log.keys, log.values).map { (tag: $0, value: $1) }
        try write(TensorBoardEvent.scalars(values, step: step, wallTime: now.timeIntervalSince1970))
    }

    private func write(_ event: [UInt8]) throws {
        do {
            try handle.write(contentsOf: Data(TensorBoardEvent.record(event)))
            try handle.synchronize()
        } catch {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }
}
