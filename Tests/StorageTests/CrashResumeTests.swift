import Foundation
import Learner
import Storage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `mbmpo` binary, killed with SIGKILL in the middle of a checkpoint write, resumes from the previous
/// checkpoint and ends exactly where an uninterrupted run ends.
@Suite struct CrashResumeTests {
    /// A tiny half-cheetah run: 4 tasks, 2 members, horizon 10, small networks.
    static let tiny = [
        "train", "--env", "half-cheetah", "--threads", "1", "--quiet",
        "--set", "sampling.horizon=10", "--set", "sampling.initialRandomSteps=100",
        "--set", "meta.metaBatchSize=4", "--set", "dynamics.members=2",
        "--set", "dynamics.hiddenSizes=[16,16]", "--set", "dynamics.maxEpochs=3",
        "--set", "policy.hiddenSizes=[8,8]", "--set", "sampling.imaginedRolloutsPerTask=2",
        "--set", "meta.stepsPerIteration=2",
    ]

    /// `mbmpo` next to the test bundle (SwiftPM builds both into the same folder).
    static func binary() throws -> URL {
        let bundle = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        let folder = bundle.deletingLastPathComponent()
        let candidates = [
            folder.appendingPathComponent("mbmpo"),
            folder.deletingLastPathComponent().appendingPathComponent("mbmpo"),
        ]
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "the mbmpo binary is not built next to the tests (run `swift build` first)")
    }

    /// Starts `mbmpo` with `arguments`; output goes to a log file in the temporary folder.
    static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `mbmpo` to completion within `seconds`; returns its exit status.
    static func run(_ arguments: [String], seconds: Double = 60) throws -> Int32 {
        let process = try start(arguments)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("mbmpo \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
        }
        return process.terminationStatus
    }

    static func progressValues(_ run: URL) throws -> [[String]] {
        let text = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let keep = rows[0].indices.filter { !rows[0][$0].hasPrefix("Time-") }
        return rows.map { row in keep.map { String(row[$0]) } }
    }

    @Test(.timeLimit(.minutes(2))) func killedDuringACheckpointWriteResumesExactly() throws {
        let folder = Fixture.folder()
        let straight = folder.appendingPathComponent("straight"), crashed = folder.appendingPathComponent("crashed")
        #expect(try Self.run(Self.tiny + ["--iterations", "4", "--out", straight.path]) == 0)

        // the checkpoint after 3 iterations pauses half-written; kill the process while its temporary file exists
        let process = try Self.start(
            Self.tiny + ["--iterations", "4", "--out", crashed.path],
            environment: ["MBMPO_TEST_CHECKPOINT_PAUSE": "3:60"])
        let temporary = AtomicFile.temporaryPath(
            for: crashed.appendingPathComponent("checkpoints/iter-0003.h5").path, process: process.processIdentifier)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: temporary) && process.isRunning && Date() < deadline {
            usleep(10_000)
        }
        #expect(FileManager.default.fileExists(atPath: temporary))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        // what the crash left: checkpoints 1 and 2 complete, the latest is 2, iteration 2's rows already written
        let checkpoints = CheckpointDirectory(run: crashed)
        #expect(checkpoints.iterations() == [1, 2])
        #expect(try checkpoints.latestPath() == checkpoints.path(iteration: 2))
        #expect(try Self.progressValues(crashed).count == 1 + 3)
        #expect(
            Set(
                try TrajectoryFile.read(crashed.appendingPathComponent("trajectories.h5").path).episodes
                    .map(\.metadata.iteration)) == [0, 1, 2])

        #expect(try Self.run(["train", "--resume", crashed.path, "--quiet"]) == 0)
        #expect(try Self.progressValues(crashed) == Self.progressValues(straight))
        let a = try CheckpointFile.read(CheckpointDirectory(run: straight).path(iteration: 4))
        let b = try CheckpointFile.read(checkpoints.path(iteration: 4))
        #expect(a.state == b.state)
        let trajectoriesA = try TrajectoryFile.read(straight.appendingPathComponent("trajectories.h5").path)
        let trajectoriesB = try TrajectoryFile.read(crashed.appendingPathComponent("trajectories.h5").path)
        #expect(trajectoriesA.episodes == trajectoriesB.episodes && trajectoriesA.episodes.count > 0)
        #expect(!FileManager.default.fileExists(atPath: temporary))
    }
}
