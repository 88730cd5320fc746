import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a file is expected, only a regular file (or a symbolic link to one) is accepted: a FIFO, a device or a
/// folder is refused before anything opens it (opening a FIFO waits for a writer that never comes; a device never
/// ends).
public enum RegularFile {
    /// Throws ``StorageError/missing(path:)`` when nothing is at `path`, ``StorageError/malformed(path:reason:)``
    /// when something other than a regular file is.
    public static func check(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            var link = stat()
            if lstat(path, &link) == 0 {
                throw StorageError.malformed(path: path, reason: "is a symbolic link to a file that does not exist")
            }
            if errno == ENOENT || errno == ENOTDIR { throw StorageError.missing(path: path) }
            throw StorageError.io(path: path, reason: String(cString: strerror(errno)))
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what: String
            switch kind {
            case S_IFDIR: what = "a folder"
            case S_IFIFO: what = "a FIFO"
            case S_IFCHR, S_IFBLK: what = "a device"
            case S_IFSOCK: what = "a socket"
            default: what = "not a file"
            }
            throw StorageError.malformed(path: path, reason: "is \(what), not a regular file")
        }
    }

    /// Whether anything (a file, a folder, a dangling symbolic link…) is at `path`.
    public static func anythingExists(at path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The UTF-8 text of the regular file at `path` (checked with ``check(_:)``).
    public static func text(_ path: String) throws -> String {
        try check(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StorageError.io(path: path, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StorageError.malformed(path: path, reason: "is not UTF-8 text")
        }
        return text
    }
}
