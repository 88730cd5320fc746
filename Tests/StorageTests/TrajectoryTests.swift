import Core
import Foundation
import Learner
import Sim
import Testing

@testable import Storage

/// Trajectory files: every real rollout of a run round-trips exactly, grouped by iteration and kind, and an
/// interrupted write never damages earlier iterations.
@Suite struct TrajectoryTests {
    static func header(_ config: TrainingConfig) -> TrajectoryHeader {
        let spec = Fixture.trainer(config).context.spec
        return TrajectoryHeader(
            environment: config.environment, algorithm: config.algorithm.rawValue,
            seed: config.seed, rolloutsPerTask: config.sampling.realRolloutsPerTask,
            observationSize: spec.observationSize, actionSize: spec.actionSize, nq: 0, nv: 0,
            dt: spec.dt)
    }

    /// Runs `iterations` MB-MPO iterations recording into a store in `run`; returns what the hook saw.
    static func record(
        run: URL, iterations: Int, config: TrainingConfig = Fixture.config(.mbMPO)
    ) throws -> [(RealRolloutKind, [Trajectory], Int)] {
        let trainer = Fixture.trainer(config)
        let store = try TrajectoryStore(
            run: run, header: header(config), tailoredExploration: config.meta.tailoredExploration)
        var seen: [(RealRolloutKind, [Trajectory], Int)] = []
        for _ in 0..<iterations {
            let result = try trainer.runIteration { _ in }
            for batch in result.trajectories {
                store.add(batch.kind, batch.paths)
                seen.append((batch.kind, batch.paths, result.iteration))
            }
            try store.commit(iteration: result.iteration)
        }
        return seen
    }

    @Test func everyRolloutRoundTripsInOrder() throws {
        let run = Fixture.folder()
        let seen = try Self.record(run: run, iterations: 2)
        let (header, episodes) = try TrajectoryFile.read(run.appendingPathComponent("trajectories.h5").path)
        #expect(header == Self.header(Fixture.config(.mbMPO)))
        let expected = seen.flatMap { kind, paths, iteration in paths.map { (kind, $0, iteration) } }
        #expect(episodes.count == expected.count && episodes.count == 8 + 4 + 4 + 4 + 4 + 4)
        for (episode, (kind, path, iteration)) in zip(episodes, expected) {
            #expect(episode.trajectory == path)
            #expect(episode.metadata.kind == kind.rawValue && episode.metadata.iteration == iteration)
            #expect(episode.metadata.task == (kind == .random ? -1 : path.environment))
        }
        #expect(episodes.map(\.metadata.policy).filter { $0 == "adapted" }.count == 12)
        // each iteration lives in its own file; the master only links them
        let names = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("trajectories").path)
        #expect(names.sorted() == ["iter-0000.h5", "iter-0001.h5"])
        let part = try TrajectoryFile.read(run.appendingPathComponent("trajectories/iter-0001.h5").path)
        #expect(part.episodes.map(\.trajectory) == expected.filter { $0.2 == 1 }.map(\.1))
    }

    /// Without tailored exploration θ collects the data for every task: its episodes are `policy`'s, with no task;
    /// the post-update evaluation is still θ'_i's per task.
    @Test func untailoredExplorationIsRecordedAsTheta() throws {
        var config = Fixture.config(.mbMPO)
        config.meta.tailoredExploration = false
        let run = Fixture.folder()
        let seen = try Self.record(run: run, iterations: 2, config: config)
        let episodes = try TrajectoryFile.read(run.appendingPathComponent("trajectories.h5").path).episodes
        #expect(episodes.count == seen.reduce(0) { $0 + $1.1.count })
        let exploration = episodes.filter { $0.metadata.kind == RealRolloutKind.exploration.rawValue }
        #expect(
            exploration.count == 4
                && exploration.allSatisfy { $0.metadata.policy == "policy" && $0.metadata.task == -1 })
        let post = episodes.filter { $0.metadata.kind == RealRolloutKind.postUpdate.rawValue }
        #expect(!post.isEmpty && post.allSatisfy { $0.metadata.policy == "adapted" && $0.metadata.task >= 0 })
        // the setting concerns MB-MPO alone: MB-MPC's exploration stays its planner's, ME-TRPO's θ's
        #expect(TrajectoryFile.policyName(kind: .exploration, algorithm: "mb-mpc", tailored: false) == "mpc")
        #expect(TrajectoryFile.policyName(kind: .exploration, algorithm: "mb-mpo", tailored: true) == "adapted")
        #expect(TrajectoryFile.policyName(kind: .exploration, algorithm: "me-trpo", tailored: false) == "policy")
        // the header read back equals the one written (the setting names episodes; it is not a run fact)
        let read = try TrajectoryFile.read(run.appendingPathComponent("trajectories.h5").path).header
        #expect(read == Self.header(config))
    }

    /// `episodes` random hopper episodes of at most `horizon` steps (with their states) recorded as iteration 0 of a
    /// store in a new run folder.
    static func recordHopper(
        environments: Int, episodes: Int, horizon: Int
    ) throws -> (
        store: TrajectoryStore, header: TrajectoryHeader, paths: [Trajectory], model: MuJoCoModel
    ) {
        let model = try EnvironmentID.hopper.loadModel()
        let sampler = try VectorSampler(id: .hopper, model: model, count: environments, seed: 4)
        var rng = SplitMix64(seed: 9)
        let paths = try withUnsafeMutablePointer(to: &rng) { pointer in
            try sampler.sample(horizon: horizon, stop: .episodes(episodes), policy: uniformRandomPolicy(using: pointer))
        }
        let header = TrajectoryHeader(
            environment: "hopper", algorithm: "mb-mpo", seed: 4, rolloutsPerTask: 1,
            observationSize: sampler.spec.observationSize, actionSize: sampler.spec.actionSize, nq: Int(model.nq),
            nv: Int(model.nv), dt: sampler.spec.dt)
        let store = try TrajectoryStore(run: Fixture.folder(), header: header)
        store.add(.exploration, paths)
        try store.commit(iteration: 0)
        return (store, header, paths, model)
    }

    @Test func statesOfAMuJoCoTaskRoundTrip() throws {
        let (store, _, paths, model) = try Self.recordHopper(environments: 2, episodes: 3, horizon: 30)
        let read = try TrajectoryFile.read(store.path)
        #expect(read.episodes.map(\.trajectory) == paths)
        #expect(paths.allSatisfy { $0.qpos.count == ($0.length + 1) * Int(model.nq) && !$0.qpos.isEmpty })
    }

    /// A sealed file whose episode datasets disagree with the episode's length or the header's widths, or that
    /// records another iteration than the group it is linked as, is refused with a line naming the dataset, never
    /// read out of step (a qpos narrower than nq used to stop `eval --recorded` at a precondition).
    @Test func malformedEpisodesAreRefusedNamingTheirDataset() throws {
        let (store, header, paths, _) = try Self.recordHopper(environments: 1, episodes: 1, horizon: 20)
        let nq = header.nq, nv = header.nv
        let part = URL(fileURLWithPath: store.path).deletingLastPathComponent()
            .appendingPathComponent("trajectories/iter-0000.h5").path
        let pristine = try Data(contentsOf: URL(fileURLWithPath: part))
        let group = "/iter-0000/exploration/episode-0000", steps = paths[0].length
        /// The master's read error after `change` was made to the episode (and the file sealed again).
        func error(_ change: (HDF5File) throws -> Void) throws -> String? {
            try pristine.write(to: URL(fileURLWithPath: part))
            let file = try HDF5File(opening: part, writable: true)
            try change(file)
            try file.close()
            try FileSeal.seal(part, format: TrajectoryFile.format)
            do {
                _ = try TrajectoryFile.read(store.path)
                return nil
            } catch let error as StorageError {
                return error.description
            }
        }
        func replace(_ name: String, rows: Int, width: Int) -> (HDF5File) throws -> Void {
            { file in
                try file.delete("\(group)/\(name)")
                try file.write(
                    [Double](repeating: 0, count: rows * width), shape: [rows, width], at: "\(group)/\(name)")
            }
        }
        #expect(try error { _ in } == nil)
        #expect(
            try error(replace("qpos", rows: steps + 1, width: nq - 1))
                == "\(part): '\(group)/qpos' has shape [\(steps + 1), \(nq - 1)], expected [\(steps + 1), \(nq)] "
                + "(length \(steps))")
        #expect(
            try error(replace("qvel", rows: steps, width: nv))
                == "\(part): '\(group)/qvel' has shape [\(steps), \(nv)], expected [\(steps + 1), \(nv)] (length \(steps))"
        )
        #expect(try error(replace("qvel", rows: 0, width: 0)) == "\(part): '\(group)' has only one of qpos and qvel")
        #expect(
            try error(replace("actions", rows: steps, width: header.actionSize + 1))
                == "\(part): '\(group)/actions' has shape [\(steps), \(header.actionSize + 1)], expected "
                + "[\(steps), \(header.actionSize)] (length \(steps))")
        #expect(
            try error { try $0.setAttribute("length", Int64(steps - 1), at: group) }
                == "\(part): '\(group)/observations' has shape [\(steps + 1), \(header.observationSize)], expected "
                + "[\(steps), \(header.observationSize)] (length \(steps - 1))")
        for length in [Int64(-1), Int64.max] {
            #expect(
                try error { try $0.setAttribute("length", length, at: group) }
                    == "\(part): '\(group)' has length \(length)")
        }
        #expect(
            try error { try $0.setAttribute("iteration", Int64(1), at: group) }
                == "\(part): '\(group)' records iteration 1, where iteration 0 was expected")
        #expect(
            try error { try $0.setAttribute("nq", Int64(1) << 40) } == "\(part): attribute 'nq' is \(Int64(1) << 40)")
        // the master's link to anything but the iteration file's group of the same name (its root, which held no
        // episodes and dropped the iteration silently)
        #expect(try error { _ in } == nil)
        let master = try HDF5File(opening: store.path, writable: true)
        try master.delete("iter-0000")
        try master.linkExternal("iter-0000", file: "trajectories/iter-0000.h5", object: "/")
        try master.close()
        try FileSeal.seal(store.path, format: TrajectoryFile.format)
        #expect(
            throws: StorageError.malformed(
                path: store.path, reason: "'iter-0000' links to '/' in trajectories/iter-0000.h5")
        ) {
            try TrajectoryFile.read(store.path)
        }
    }

    @Test func anInterruptedWriteLeavesEarlierIterationsReadable() throws {
        let run = Fixture.folder()
        let seen = try Self.record(run: run, iterations: 2)
        let master = run.appendingPathComponent("trajectories.h5").path
        // a crash while iteration 2 was being written leaves only its temporary file behind
        let first = run.appendingPathComponent("trajectories/iter-0000.h5")
        let partial = try Data(contentsOf: first).prefix(3000)
        try partial.write(
            to: URL(
                fileURLWithPath: AtomicFile.temporaryPath(
                    for: run.appendingPathComponent("trajectories/iter-0002.h5").path)))
        #expect(try TrajectoryFile.read(master).episodes.count == seen.reduce(0) { $0 + $1.1.count })

        // a damaged iteration file is named; the others still read on their own
        let second = run.appendingPathComponent("trajectories/iter-0001.h5")
        try Data(contentsOf: second).prefix(5000).write(to: second)
        let error = #expect(throws: StorageError.self) { try TrajectoryFile.read(master) }
        #expect(error?.description.hasPrefix(second.path + ": truncated or extended") == true)
        #expect(try TrajectoryFile.read(first.path).episodes.count == 8 + 4 + 4)
    }

    @Test func resumingDropsIterationsFromTheInterruptedOne() throws {
        let run = Fixture.folder()
        _ = try Self.record(run: run, iterations: 2)
        let store = try TrajectoryStore(run: run, header: Self.header(Fixture.config(.mbMPO)), firstIteration: 1)
        let episodes = try TrajectoryFile.read(store.path).episodes
        #expect(Set(episodes.map(\.metadata.iteration)) == [0])
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("trajectories/iter-0001.h5").path))
    }
}
