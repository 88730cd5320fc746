import Foundation
import Learner

/// Appends one row per iteration to `progress.csv`, flushing after each row so a crash loses nothing written.
///
/// The columns are the keys in the order they first appear. A key that first appears in a later iteration (the
/// exploration returns `EnvTrajs-*` start in the second) adds a column at the end: the file is then rewritten
/// with the wider header, earlier rows holding an empty field there. A key missing in a row is written empty.
public final class ProgressWriter {
    public let url: URL
    public private(set) var columns: [String] = []
    /// The rows written so far (what a checkpoint stores with the state).
    public private(set) var logs: [IterationLog] = []
    private var handle: FileHandle

    /// Creates (or truncates) the file.
    public init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    deinit { try? handle.close() }

    /// Writes `log` as the next row (and the header first, or again when new keys appear).
    public func append(_ log: IterationLog) throws {
        let newKeys = log.keys.filter { !columns.contains($0) }
        columns += newKeys
        logs.append(log)
        if logs.count == 1 || !newKeys.isEmpty {
            try rewrite()
        } else {
            try write(Self.line(fields(log)))
        }
    }

    /// Replaces the file by the header and every row (atomically), then appends from its end.
    private func rewrite() throws {
        var text = Self.line(columns.map(Self.escape))
        for log in logs { text += Self.line(fields(log)) }
        do {
            try handle.close()
            try AtomicFile.write(text: text, to: url.path)
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    private static func line(_ fields: [String]) -> String { fields.joined(separator: ",") + "\n" }

    /// The fields of `log` in column order (empty where it has no value).
    private func fields(_ log: IterationLog) -> [String] { columns.map { key in log[key].map(Self.format) ?? "" } }

    private func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    /// Shortest round-trip decimal form (integers without a fraction).
    public static func format(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// Quotes a header field that holds a comma or a quote.
    static func escape(_ field: String) -> String {
        field.contains(",") || field.contains("\"")
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            : field
    }
}

/// Problems with the run directory.
public enum RunDirectoryError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case notEmpty(path: String)
    /// Another process holds the folder's lock (its process ID, as it wrote it, when readable).
    case inUse(path: String, holder: String?)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        case .notEmpty(let path):
            return "run directory '\(path)' already holds a run (progress.csv); choose another --out"
        case .inUse(let path, let holder):
            return "run directory '\(path)' is in use by another mbmpo process"
                + (holder.map { " (PID \($0))" } ?? "") + "; wait for it to finish or stop it first"
        }
    }
}
