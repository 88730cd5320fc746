import Foundation
import Learner
import Storage
import Testing

/// Every damaged, foreign or missing checkpoint gives one clear line naming the file and the problem.
@Suite struct CorruptionTests {
    /// A checkpoint of a tiny MB-MPO run after one iteration, and its bytes.
    static func checkpointFile() throws -> (path: String, checkpoint: Checkpoint) {
        let trainer = Fixture.trainer(Fixture.config(.mbMPO))
        let log = try trainer.runIteration { _ in }.log
        let checkpoint = Checkpoint(state: trainer.captureState(), progress: [log])
        let path = Fixture.folder().appendingPathComponent("iter-0001.h5").path
        try CheckpointFile.write(checkpoint, to: path)
        return (path, checkpoint)
    }

    /// The error `read` throws, as its one-line description.
    static func readError(_ path: String) -> String? {
        do {
            _ = try CheckpointFile.read(path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func truncatedFilesAreRefused() throws {
        let (path, _) = try Self.checkpointFile()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for keep in [0, 100, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(keep).write(to: URL(fileURLWithPath: path))
            let message = try #require(Self.readError(path))
            #expect(message.hasPrefix(path + ": "))
            #expect(!message.contains("\n"))
        }
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(
            Self.readError(path) == "\(path): truncated or extended: \(bytes.count / 2) bytes, expected \(bytes.count)")
    }

    /// A flip that happened before the file was sealed (e.g. in memory) is caught by the dataset's own checksum.
    @Test func aFlippedByteInTheDataIsCaughtByTheDatasetChecksum() throws {
        let (path, checkpoint) = try Self.checkpointFile()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // find the policy parameters' bytes in the file and flip one bit of one of them
        let needle = checkpoint.state.policyParameters.prefix(4).withUnsafeBytes { Data($0) }
        let range = try #require(bytes.range(of: needle))
        bytes[range.lowerBound + 13] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(Self.readError(path) == "\(path): file checksum mismatch (the file is corrupted)")
        try FileSeal.seal(path, format: CheckpointFile.format)
        #expect(
            Self.readError(path)
                == "\(path): checksum mismatch in dataset 'policy/parameters' (the file is corrupted)")
    }

    @Test func flippedBytesAnywhereAreRefused() throws {
        let (path, checkpoint) = try Self.checkpointFile()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        // every 211th byte, one at a time (seal, HDF5 metadata and data alike): a one-line error naming the file
        for offset in stride(from: 0, to: original.count, by: 211) {
            var bytes = original
            bytes[offset] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: path))
            let message = Self.readError(path)
            #expect(message.map { $0.hasPrefix(path + ": ") && !$0.contains("\n") } == true, "offset \(offset)")
        }
        try original.write(to: URL(fileURLWithPath: path))
        #expect(try CheckpointFile.read(path) == checkpoint)
    }

    @Test func aDeletedDatasetIsNamed() throws {
        let (path, _) = try Self.checkpointFile()
        let file = try HDF5File(opening: path, writable: true)
        try file.delete("ensemble/member-1/adam/second_moment")
        try file.close()
        try FileSeal.seal(path, format: CheckpointFile.format)
        #expect(Self.readError(path) == "\(path): dataset 'ensemble/member-1/adam/second_moment' is missing")
    }

    @Test func anotherFormatVersionIsRefused() throws {
        let (path, _) = try Self.checkpointFile()
        let file = try HDF5File(opening: path, writable: true)
        try file.setAttribute("format_version", Int64(99))
        try file.close()
        try FileSeal.seal(path, format: CheckpointFile.format)
        #expect(Self.readError(path) == "\(path): format version 99, this build reads version 1")
    }

    @Test func foreignAndMissingFilesAreRefused() throws {
        let folder = Fixture.folder()
        let other = folder.appendingPathComponent("other.h5").path
        let file = try HDF5File(creating: other)
        try file.write([1.0], shape: [1], at: "x")
        try file.close()
        #expect(Self.readError(other) == "\(other): not an mbmpo-checkpoint file (no valid seal)")
        let missing = folder.appendingPathComponent("iter-0009.h5").path
        #expect(Self.readError(missing) == "\(missing): no such file")
        let text = folder.appendingPathComponent("text.h5").path
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(Self.readError(text) == "\(text): not an mbmpo-checkpoint file (no valid seal)")
    }

    /// A FIFO, a folder, a device or a dangling link where a checkpoint should be is refused before it is opened
    /// (opening a FIFO used to wait for a writer forever).
    @Test func nonRegularFilesAreRefusedWithoutOpening() throws {
        let folder = Fixture.folder()
        let fifo = folder.appendingPathComponent("fifo.h5").path
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(Self.readError(fifo) == "\(fifo): is a FIFO, not a regular file")
        let directory = folder.appendingPathComponent("folder.h5").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        #expect(Self.readError(directory) == "\(directory): is a folder, not a regular file")
        let device = folder.appendingPathComponent("zero.h5").path
        try FileManager.default.createSymbolicLink(atPath: device, withDestinationPath: "/dev/zero")
        #expect(Self.readError(device) == "\(device): is a device, not a regular file")
        let dangling = folder.appendingPathComponent("dangling.h5").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: folder.path + "/nothing")
        #expect(Self.readError(dangling) == "\(dangling): is a symbolic link to a file that does not exist")
    }

    /// `checkpoints/latest` that exists is always used: unreadable, not text or naming nothing is an error, never
    /// passed over for the highest-numbered file (an empty one was an error, garbage was silently ignored).
    @Test func aDamagedLatestPointerIsAnError() throws {
        let run = Fixture.folder()
        let directory = CheckpointDirectory(run: run)
        let (_, checkpoint) = try Self.checkpointFile()
        try directory.save(checkpoint)
        let latest = directory.url.appendingPathComponent("latest").path
        for (content, reason) in [
            (Data([0xFF, 0xFE, 0x00, 0x41]), "is not UTF-8 text"), (Data(), "does not name a checkpoint file"),
            (Data("iter-0009.h5\n".utf8), "names 'iter-0009.h5', which does not exist"),
        ] {
            try content.write(to: URL(fileURLWithPath: latest))
            do {
                _ = try directory.latestPath()
                Issue.record("accepted latest = \(Array(content))")
            } catch let error as StorageError {
                #expect("\(error)" == "\(latest): \(reason)")
            }
        }
        try FileManager.default.removeItem(atPath: latest)
        #expect(mkfifo(latest, 0o644) == 0)
        #expect(throws: StorageError.malformed(path: latest, reason: "is a FIFO, not a regular file")) {
            try directory.latestPath()
        }
        #expect(!directory.isEmpty)
        #expect(CheckpointDirectory(run: Fixture.folder()).isEmpty)
    }
}
