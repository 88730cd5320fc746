import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that they are either complete or absent: into a temporary file in the same folder, flushed to
/// disk, then renamed over the final name (rename is atomic within a file system), and the folder entry synced.
public enum AtomicFile {
    /// The temporary name process `process` (by default this one) uses for `path`: hidden, in the same folder,
    /// `.NAME.PID.tmp`, so that two processes writing one file at once (two `eval --json` into one file) each fill
    /// their own and the last rename wins whole. A run folder's cleanup of killed writers' files removes it.
    public static func temporaryPath(for path: String, process: Int32 = getpid()) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(process).tmp")
            .path
    }

    /// Calls `body` with a temporary path to fill, then syncs and renames it to `path`. On any error the temporary
    /// file is removed, `path` is left as it was, and the error is rethrown.
    public static func write(_ path: String, _ body: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        unlink(temporary)
        do {
            try body(temporary)
            try synchronize(temporary)
            guard rename(temporary, path) == 0 else { throw StorageError.io(path: path, reason: errnoText()) }
            synchronizeFolder(of: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically. With `pauseAfterHalf` (a test hook), the first half is written and
    /// synced, then the writer sleeps that many seconds before writing the rest.
    public static func write(bytes: [UInt8], to path: String, pauseAfterHalf: Double? = nil) throws {
        try write(path) { temporary in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw StorageError.io(path: path, reason: "cannot create: \(errnoText())") }
            defer { close(descriptor) }
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                let half = pauseAfterHalf == nil ? buffer.count : buffer.count / 2
                while offset < buffer.count {
                    let end = offset < half ? half : buffer.count
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, end - offset)
                    guard written > 0 else { throw StorageError.io(path: path, reason: "cannot write: \(errnoText())") }
                    offset += written
                    if offset == half, let seconds = pauseAfterHalf {
                        fsync(descriptor)
                        Thread.sleep(forTimeInterval: seconds)
                    }
                }
            }
            guard fsync(descriptor) == 0 else {
                throw StorageError.io(path: path, reason: "cannot write: \(errnoText())")
            }
        }
    }

    /// Writes `text` to `path` atomically.
    public static func write(text: String, to path: String) throws {
        try write(bytes: Array(text.utf8), to: path)
    }

    /// Flushes a file's data to the device.
    static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw StorageError.io(path: path, reason: errnoText()) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError.io(path: path, reason: errnoText()) }
    }

    /// Flushes the folder entry of `path` (best effort: some file systems refuse).
    static func synchronizeFolder(of path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(folder, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A storage problem that is not an HDF5 library failure; one line naming the file and the problem.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// An operating-system call on `path` failed.
    case io(path: String, reason: String)
    /// The file does not exist.
    case missing(path: String)
    /// The file is not one of ours or lacks a required part.
    case malformed(path: String, reason: String)
    /// The file was written by another format version.
    case version(path: String, found: Int64, expected: Int64)
    /// A dataset's stored checksum does not match its contents.
    case checksum(path: String, dataset: String)
    /// The file belongs to another environment or configuration.
    case mismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .missing(let path): return "\(path): no such file"
        case .malformed(let path, let reason): return "\(path): \(reason)"
        case .version(let path, let found, let expected):
            return "\(path): format version \(found), this build reads version \(expected)"
        case .checksum(let path, let dataset):
            return "\(path): checksum mismatch in dataset '\(dataset)' (the file is corrupted)"
        case .mismatch(let path, let reason): return "\(path): \(reason)"
        }
    }
}
