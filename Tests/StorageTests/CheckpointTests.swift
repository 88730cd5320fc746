import Foundation
import Learner
import Storage
import Testing

/// Checkpoint files: exact round trip, exact resume, rotation, and a clear error for every kind of bad file.
@Suite struct CheckpointTests {
    @Test(arguments: Algorithm.allCases)
    func roundTripIsExact(_ algorithm: Algorithm) throws {
        let trainer = Fixture.trainer(Fixture.config(algorithm))
        let logs = try (0..<2).map { _ in try trainer.runIteration { _ in }.log }
        let checkpoint = Checkpoint(state: trainer.captureState(), progress: logs)
        let path = Fixture.folder().appendingPathComponent("c.h5").path
        try CheckpointFile.write(checkpoint, to: path)
        let loaded = try CheckpointFile.read(path)
        #expect(loaded == checkpoint)
        // model-free algorithms keep no transitions
        #expect(loaded.state.ensemble.buffer.count == (algorithm.trainerType.learnsDynamics ? 108 : 0))
        #expect(loaded.progress.map(\.keys) == logs.map(\.keys))
        #expect(try CheckpointFile.readConfiguration(path) == checkpoint.state.config)
    }

    /// N iterations straight equal k iterations, a checkpoint written and read back into a fresh trainer, N − k more.
    @Test(arguments: Algorithm.allCases)
    func resumeFromFileIsBitIdentical(_ algorithm: Algorithm) throws {
        let config = Fixture.config(algorithm, seed: 21, iterations: 3)
        let straight = Fixture.trainer(config)
        let straightLogs = try (0..<3).map { _ in try straight.runIteration { _ in }.log }

        let first = Fixture.trainer(config)
        let logs = [try first.runIteration { _ in }.log]
        let directory = CheckpointDirectory(run: Fixture.folder())
        try directory.save(Checkpoint(state: first.captureState(), progress: logs))
        let loaded = try CheckpointFile.read(try directory.latestPath())
        let resumed = Fixture.trainer(loaded.state.config)
        try resumed.restore(loaded.state)
        var resumedLogs = loaded.progress
        while resumed.context.iteration < config.iterations {
            resumedLogs.append(try resumed.runIteration { _ in }.log)
        }

        #expect(Fixture.values(resumedLogs) == Fixture.values(straightLogs))
        #expect(resumed.captureState() == straight.captureState())
    }

    @Test func directoryKeepsTheNewestAndPointsAtTheLatest() throws {
        let run = Fixture.folder()
        let directory = CheckpointDirectory(run: run, keep: 2)
        #expect(throws: StorageError.missing(path: directory.url.appendingPathComponent("latest").path)) {
            try directory.latestPath()
        }
        let trainer = Fixture.trainer(Fixture.config(.mbMPC))
        var logs: [IterationLog] = []
        for _ in 0..<4 {
            logs.append(try trainer.runIteration { _ in }.log)
            try directory.save(Checkpoint(state: trainer.captureState(), progress: logs))
        }
        #expect(directory.iterations() == [3, 4])
        #expect(try directory.latestPath() == directory.path(iteration: 4))
        #expect(
            try String(contentsOf: directory.url.appendingPathComponent("latest"), encoding: .utf8)
                == "iter-0004.h5\n")
        #expect(try CheckpointFile.read(directory.path(iteration: 3)).progress.count == 3)
        // without the pointer (a crash between rename and pointer update) the newest file is used
        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("latest"))
        #expect(try directory.latestPath() == directory.path(iteration: 4))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(names.sorted() == ["iter-0003.h5", "iter-0004.h5"])
    }

    @Test func failedWriteLeavesThePreviousCheckpointIntact() throws {
        let directory = CheckpointDirectory(run: Fixture.folder())
        let trainer = Fixture.trainer(Fixture.config(.mbMPO))
        let log = try trainer.runIteration { _ in }.log
        try directory.save(Checkpoint(state: trainer.captureState(), progress: [log]))
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.path(iteration: 1)))
        // the temporary file's name is taken by a folder: creating it fails
        let second = try trainer.runIteration { _ in }.log
        let blocker = AtomicFile.temporaryPath(for: directory.path(iteration: 2))
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        #expect(throws: StorageError.io(path: directory.path(iteration: 2), reason: "cannot create: Is a directory")) {
            try directory.save(Checkpoint(state: trainer.captureState(), progress: [log, second]))
        }
        #expect(directory.iterations() == [1])
        #expect(try directory.latestPath() == directory.path(iteration: 1))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path(iteration: 1))) == before)
        #expect(try CheckpointFile.read(directory.path(iteration: 1)).state.iteration == 1)
    }
}
