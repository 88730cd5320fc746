import Foundation

/// Writes scalars to a TensorBoard event file, `events.out.tfevents.<time>.<host>` in a folder
/// (`tensorboard --logdir` shows them), one event per call, synchronized to disk before it returns.
public final class TensorBoardWriter {
    /// The event file.
    public let url: URL
    private let handle: FileHandle

    /// Creates the event file in `folder` and writes its `file_version` record.
    public init(folder: URL, now: Date = Date()) throws {
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw EventFileError(path: url.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        try write(TensorBoardEvent.fileVersion(wallTime: now.timeIntervalSince1970))
    }

    deinit { try? handle.close() }

    /// Appends one event holding `scalars` at `step`.
    public func append(_ scalars: [(tag: String, value: Double)], step: Int64, now: Date = Date()) throws {
        try write(TensorBoardEvent.scalars(scalars, step: step, wallTime: now.timeIntervalSince1970))
    }

    private func write(_ event: [UInt8]) throws {
        do {
            try handle.write(contentsOf: Data(TensorBoardEvent.record(event)))
            try handle.synchronize()
        } catch {
            throw EventFileError(path: url.path, reason: "\(error)")
        }
    }
}

/// An event file that could not be created or written.
public struct EventFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write '\(path)': \(reason)" }
}
