import Foundation
import Storage
import Testing

@testable import App

/// `train --out` into a folder that already holds a run: refused, naming the writer where one holds the folder's
/// lock, and without writing anything into the folder.
@Suite struct RunFolderLockTests {
    /// A folder with a finished run's `progress.csv` and, if given, a `.lock` with that content.
    static func finishedRun(lock: String?) throws -> URL {
        let folder = try TestFiles.temporaryFolder("finished-run")
        try "Iteration,n_timesteps\n0,5000\n".write(
            to: folder.appendingPathComponent("progress.csv"), atomically: true, encoding: .utf8)
        if let lock {
            try lock.write(to: folder.appendingPathComponent(".lock"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// The error `RunDirectory(path:creating: true)` throws for `folder`, as text.
    static func refusal(_ folder: URL) -> String? {
        do {
            _ = try RunDirectory(path: folder.path, creating: true)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aFinishedRunIsRefusedWithoutTouchingItsLockFile() throws {
        let stale = try Self.finishedRun(lock: "4242\n")
        let lockURL = stale.appendingPathComponent(".lock")
        let before = try FileManager.default.attributesOfItem(atPath: lockURL.path)[.modificationDate] as? Date
        #expect(Self.refusal(stale)?.contains("already holds a run") == true)
        #expect(TestFiles.text(lockURL) == "4242\n", "the finished run's .lock was rewritten")
        let after = try FileManager.default.attributesOfItem(atPath: lockURL.path)[.modificationDate] as? Date
        #expect(before != nil && before == after)

        let unlocked = try Self.finishedRun(lock: nil)
        #expect(Self.refusal(unlocked)?.contains("already holds a run") == true)
        #expect(
            !FileManager.default.fileExists(atPath: unlocked.appendingPathComponent(".lock").path),
            "refusing a finished run created a .lock in its folder")
    }

    /// While a writer holds the lock (here this process, through another open file description, which `flock`
    /// treats as another holder), the probe names it; once released, the folder is a finished run again.
    @Test func aHeldLockNamesItsHolder() throws {
        let folder = try Self.finishedRun(lock: nil)
        var holder: RunFolderLock? = try RunFolderLock(folder: folder, path: folder.path)
        let message = Self.refusal(folder)
        #expect(message?.contains("is in use by another mbmpo process (PID \(getpid()))") == true, "\(message ?? "")")
        #expect(holder != nil)
        holder = nil
        #expect(Self.refusal(folder)?.contains("already holds a run") == true)
        #expect(TestFiles.text(folder.appendingPathComponent(".lock")) == "\(getpid())\n")
    }
}
