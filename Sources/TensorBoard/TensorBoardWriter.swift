import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes scalars to a TensorBoard event file, `events.out.tfevents.<time>.<host>.<pid>.<n>` in a folder
/// (`tensorboard --logdir` shows them), one event per call, synchronized to disk before it returns.
///
/// As TensorBoard's own writers do, the name carries the process ID and a counter as well as the second, and the
/// file is created exclusively: a writer never replaces an event file, however quickly runs follow each other.
public final class TensorBoardWriter {
    /// The event file.
    public let url: URL
    private let handle: FileHandle

    /// Creates the event file in `folder` and writes its `file_version` record.
    public init(folder: URL, now: Date = Date()) throws {
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        let stem = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(getpid())"
        var counter = 0
        var descriptor: Int32 = -1
        var candidate = folder.appendingPathComponent("\(stem).\(counter)")
        while true {
            descriptor = open(candidate.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 || errno != EEXIST || counter >= 1_000 { break }
            counter += 1
            candidate = folder.appendingPathComponent("\(stem).\(counter)")
        }
        url = candidate
        guard descriptor >= 0 else {
            throw EventFileError(path: url.path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try write(TensorBoardEvent.fileVersion(wallTime: now.timeIntervalSince1970))
    }

    deinit { try? handle.close() }

    /// Appends one event holding `scalars` at `step`.
    public func append(_ scalars: [(tag: String, value: Double)], step: Int64, now: Date = Date()) throws {
        try write(TensorBoardEvent.scalars(scalars, step: step, wallTime: now.timeIntervalSince1970))
    }

    /// Appends `text` (Markdown) under `tag` for TensorBoard's Text dashboard.
    public func appendText(_ text: String, tag: String, step: Int64 = 0, now: Date = Date()) throws {
        try write(
            TensorBoardEvent.pluginValue(
                tag: tag, plugin: "text", content: [], text: text, step: step, wallTime: now.timeIntervalSince1970))
    }

    /// Records the run's hyperparameters for the HParams dashboard (a session start, from which TensorBoard
    /// infers the experiment's columns).
    public func appendHyperparameters(
        _ hparams: [(name: String, value: HyperparameterValue)], now: Date = Date()
    ) throws {
        let content = TensorBoardEvent.sessionStartInfo(hparams, startTime: now.timeIntervalSince1970)
        try write(
            TensorBoardEvent.pluginValue(
                tag: "_hparams_/session_start_info", plugin: "hparams", content: content, text: "", step: 0,
                wallTime: now.timeIntervalSince1970))
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
