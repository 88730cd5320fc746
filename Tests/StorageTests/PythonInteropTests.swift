import Core
import Foundation
import Learner
import Storage
import Testing

/// h5py (and Minari, when installed) read our trajectory and export files with exactly the values Swift wrote.
@Suite struct PythonInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/h5values.py")

    /// Why the check cannot run here, or nil when python3 with h5py is available.
    static let unavailable: String? = {
        guard let (status, _) = try? python(["-c", "import h5py"]) else { return "python3 is not installed" }
        return status == 0 ? nil : "h5py is not installed (scripts/setup.sh installs it with pip)"
    }()

    static func python(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    /// Values as h5py reads them: floats exact (from hex), integers and strings as they are.
    static func values(
        _ file: String, _ objects: [String], environment: [String: String] = [:]
    ) throws
        -> [String: [String: Any]]
    {
        let (status, data) = try python([script.path, file] + objects, environment: environment)
        try #require(status == 0, "h5values.py failed on \(file)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    }

    static func doubles(_ entry: [String: Any]?) -> [Double] {
        (entry?["values"] as? [String] ?? []).compactMap { Double($0) }
    }

    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"))
    func h5pyReadsTrajectoriesAndExportsExactly() throws {
        let run = Fixture.folder()
        let seen = try TrajectoryTests.record(run: run, iterations: 2)
        let master = run.appendingPathComponent("trajectories.h5").path
        let exploration = try #require(seen.first { $0.0 == .exploration })
        let path = exploration.1[2]
        let group = "iter-0001/exploration/episode-0002"
        let read = try Self.values(
            master,
            [
                "\(group)/observations", "\(group)/actions", "\(group)/rewards",
                "\(group)/terminations", "\(group)/truncations", "\(group)@task",
                "\(group)@policy", "@environment", "@seed",
            ])
        #expect(Self.doubles(read["\(group)/observations"]) == path.observations + path.finalObservation)
        #expect(read["\(group)/observations"]?["shape"] as? [Int] == [path.length + 1, 6])
        #expect(Self.doubles(read["\(group)/actions"]) == path.actions)
        #expect(Self.doubles(read["\(group)/rewards"]) == path.rewards)
        #expect(read["\(group)/truncations"]?["dtype"] as? String == "bool")
        #expect(
            read["\(group)/truncations"]?["values"] as? [Int] == (0..<path.length).map { $0 == path.length - 1 ? 1 : 0 }
        )
        #expect(read["\(group)@task"]?["values"] as? [Int] == [2])
        #expect(read["\(group)@policy"]?["values"] as? [String] == ["adapted"])
        #expect(read["@environment"]?["values"] as? [String] == ["point-mass"])

        // an export of the same episodes, both layouts
        let episodes = exploration.1
        let info = ExportInfo(
            environment: "point-mass", algorithm: "mb-mpo", policy: "adapted", checkpointIteration: 2,
            seed: 0, deterministic: false, observationSize: 6, actionSize: 2, nq: 0, nv: 0)
        let folder = run.appendingPathComponent("minari/data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let minari = folder.appendingPathComponent("main_data.hdf5").path
        try DatasetExport.write(episodes, tasks: [0, 1, 2, 3], info: info, format: .minari, to: minari)
        let m = try Self.values(
            minari,
            [
                "episode_1/observations", "episode_1/actions", "episode_1/rewards",
                "@total_steps", "episode_1@total_steps",
            ], environment: ["MINARI_DIR": folder.path])
        #expect(Self.doubles(m["episode_1/observations"]) == episodes[1].observations + episodes[1].finalObservation)
        #expect(Self.doubles(m["episode_1/actions"]) == episodes[1].actions.map { Double(Float(min(max($0, -1), 1))) })
        #expect(m["episode_1/actions"]?["dtype"] as? String == "float32")
        #expect(Self.doubles(m["episode_1/rewards"]) == episodes[1].rewards)
        #expect(m["@total_steps"]?["values"] as? [Int] == [episodes.reduce(0) { $0 + $1.length }])
        if let loaded = m["minari"], loaded["unavailable"] == nil {
            #expect(loaded["total_episodes"] as? Int == 4)
            #expect(Self.doubles(loaded["rewards"] as? [String: Any]) == episodes[0].rewards)
        }

        let d4rl = run.appendingPathComponent("d4rl.h5").path
        try DatasetExport.write(episodes, tasks: [0, 1, 2, 3], info: info, format: .d4rl, to: d4rl)
        let d = try Self.values(d4rl, ["rewards", "terminals", "timeouts", "next_observations", "infos/task"])
        #expect(Self.doubles(d["rewards"]) == episodes.flatMap(\.rewards).map { Double(Float($0)) })
        let next = episodes.flatMap { Array($0.observations.dropFirst(6)) + $0.finalObservation }
        #expect(Self.doubles(d["next_observations"]) == next.map { Double(Float($0)) })
        #expect(
            d["timeouts"]?["values"] as? [Int]
                == episodes.flatMap { p in (0..<p.length).map { $0 == p.length - 1 ? 1 : 0 } })
        #expect(
            d["infos/task"]?["values"] as? [Int]
                == episodes.enumerated().flatMap { i, p in [Int](repeating: i, count: p.length) })
    }
}
