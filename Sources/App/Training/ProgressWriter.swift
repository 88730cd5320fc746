import Foundation
import Learner

/// Appends one row per iteration to `progress.csv`, flushing after each row so a crash loses nothing written.
///
/// The header is the first iteration's keys; later iterations must record the same keys (in any order); a key
/// missing in a later row is written empty.
final class ProgressWriter {
    let url: URL
    private(set) var columns: [String] = []
    private let handle: FileHandle

    /// Creates (or truncates) the file.
    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    deinit { try? handle.close() }

    /// Writes `log` as the next row (and the header first).
    func append(_ log: IterationLog) throws {
        if columns.isEmpty {
            columns = log.keys
            try write(columns.map(Self.escape).joined(separator: ",") + "\n")
        }
        let row = columns.map { key in log[key].map(Self.format) ?? "" }
        try write(row.joined(separator: ",") + "\n")
    }

    private func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw RunDirectoryError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    /// Shortest round-trip decimal form (integers without a fraction).
    static func format(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    static func escape(_ field: String) -> String {
        field.contains(",") || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            : field
    }
}

/// Problems with the run directory.
enum RunDirectoryError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case notEmpty(path: String)

    var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        case .notEmpty(let path):
            return "run directory '\(path)' already holds a run (progress.csv); choose another --out"
        }
    }
}
