import Foundation
import Learner
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A training run's folder: `config.json` (the resolved configuration) and `progress.csv` (one row per iteration).
struct RunDirectory {
    let url: URL
    /// This process's exclusive hold on the folder, for as long as the value lives.
    let lock: RunFolderLock
    /// Whether this process made the folder (a new run into a folder that did not exist).
    let created: Bool

    /// Opens the folder and takes its lock (a second writer, at start or on resume, is refused); with `creating`,
    /// makes it and refuses one that already holds a run.
    init(path: String, creating: Bool) throws {
        url = URL(fileURLWithPath: path, isDirectory: true)
        let manager = FileManager.default
        created = creating && !RegularFile.anythingExists(at: path)
        if creating {
            if manager.fileExists(atPath: url.appendingPathComponent("progress.csv").path) {
                // a run still being written is named by its writer's PID (the lock says so); a finished one as such,
                // without writing to its folder
                try RunFolderLock.refuseIfHeld(folder: url, path: path)
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
        lock = try RunFolderLock(folder: url, path: path)
        // a writer that finished between the check above and the lock left its run behind
        if creating, manager.fileExists(atPath: url.appendingPathComponent("progress.csv").path) {
            throw RunDirectoryError.notEmpty(path: path)
        }
    }

    /// Removes what writers killed mid-write left behind: ``AtomicFile``'s `.NAME.PID.tmp` files and the temporary
    /// files of Foundation's atomic writes (`.dat.nosync…`) that earlier versions used, in the folder and its
    /// `checkpoints` and `trajectories` folders. Called with the lock held, so no writer is using them.
    func removeLeftoverTemporaryFiles() {
        let manager = FileManager.default
        for folder in [url, url.appendingPathComponent("checkpoints"), url.appendingPathComponent("trajectories")] {
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            where (name.hasPrefix(".") && name.hasSuffix(".tmp")) || name.hasPrefix(".dat.nosync") {
                try? manager.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    /// Removes what a new run wrote before its first iteration was recorded (after a failure): its files, and
    /// the folder itself when this process made it and nothing else is in it.
    func removeNewRun() {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names
        where ["config.json", "progress.csv", "trajectories.h5", "trajectories", "checkpoints", RunInfo.fileName]
            .contains(name) || name.hasPrefix("events.out.tfevents.")
        {
            try? manager.removeItem(at: url.appendingPathComponent(name))
        }
        removeLeftoverTemporaryFiles()
        if created, ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).allSatisfy({ $0 == ".lock" }) {
            try? manager.removeItem(at: url)
        }
    }

    /// `base` if nothing is there yet, else the first of `base-2`, `base-3`, … that is free (as RL Zoo numbers its
    /// runs): a default run folder never fails or replaces an earlier run. A name given with `--out` is used as is.
    static func unusedName(_ base: String) -> String {
        guard RegularFile.anythingExists(at: base) else { return base }
        var number = 2
        while RegularFile.anythingExists(at: "\(base)-\(number)") { number += 1 }
        return "\(base)-\(number)"
    }

    /// Writes the resolved configuration as pretty JSON (`config.json`).
    func writeConfiguration(_ config: TrainingConfig) throws {
        let target = url.appendingPathComponent("config.json")
        do {
            try AtomicFile.write(text: ConfigurationFile.prettyJSON(config) + "\n", to: target.path)
        } catch {
            throw RunDirectoryError.cannotWrite(path: target.path, reason: "\(error)")
        }
    }
}

/// An exclusive `flock` on `.lock` in a run folder, which the kernel releases when the process ends however it ends;
/// the file holds the holder's process ID for the message a second writer gets.
final class RunFolderLock {
    let descriptor: Int32

    /// Takes the lock or throws ``RunDirectoryError/inUse(path:holder:)``.
    init(folder: URL, path: String) throws {
        let file = folder.appendingPathComponent(".lock").path
        let descriptor = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunDirectoryError.cannotWrite(path: file, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = Self.inUse(descriptor, path: path)
            close(descriptor)
            throw error
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    /// Throws ``RunDirectoryError/inUse(path:holder:)`` if another process holds the folder's lock, and otherwise
    /// returns, reading `.lock` only (a shared lock tried and let go at once): nothing in the folder is created or
    /// changed, so a finished or read-only run folder stays as it was.
    static func refuseIfHeld(folder: URL, path: String) throws {
        let descriptor = open(folder.appendingPathComponent(".lock").path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // no lock file (or none readable): nobody has held one
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { throw inUse(descriptor, path: path) }
        _ = flock(descriptor, LOCK_UN)
    }

    /// The error for a lock another process holds, naming its PID where `.lock` holds one.
    private static func inUse(_ descriptor: Int32, path: String) -> RunDirectoryError {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        let holder = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return RunDirectoryError.inUse(
            path: path, holder: holder.allSatisfy(\.isNumber) && !holder.isEmpty ? holder : nil)
    }

    deinit { close(descriptor) }
}
