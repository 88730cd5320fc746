import Core
import Foundation
import Learner

/// What a trajectory file records about its run (root attributes).
public struct TrajectoryHeader: Equatable, Sendable {
    /// Task name (`half-cheetah`, …).
    public var environment: String
    /// Algorithm name (`mb-mpo`, …).
    public var algorithm: String
    /// The run's seed (every environment's reset stream derives from it and the environment index).
    public var seed: UInt64
    /// Real environments per task (episode task = environment / this, for MB-MPO).
    public var rolloutsPerTask: Int
    /// Observation width dO, action width dA, generalized position and velocity widths nq, nv.
    public var observationSize: Int, actionSize: Int, nq: Int, nv: Int
    /// Seconds per environment step.
    public var dt: Double

    /// A header from its parts.
    public init(
        environment: String, algorithm: String, seed: UInt64, rolloutsPerTask: Int, observationSize: Int,
        actionSize: Int, nq: Int, nv: Int, dt: Double
    ) {
        self.environment = environment
        self.algorithm = algorithm
        self.seed = seed
        self.rolloutsPerTask = rolloutsPerTask
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.nq = nq
        self.nv = nv
        self.dt = dt
    }
}

/// Appends every real rollout of a run to `RUN/trajectories.h5`, one group per iteration and kind.
///
/// Each iteration is written to its own file `RUN/trajectories/iter-NNNN.h5` (temporary file, flushed, renamed),
/// and `trajectories.h5` is rewritten atomically with an external link `/iter-NNNN` to each; HDF5 and h5py follow
/// the links, so the master reads as one file. A crash at any moment leaves every earlier iteration readable.
public final class TrajectoryStore {
    /// The master file.
    public let path: String
    /// Folder of the per-iteration files.
    public let folder: URL
    /// Run facts written as root attributes.
    public let header: TrajectoryHeader
    /// Whether MB-MPO's exploration rollouts act with each task's adapted θ'_i (`meta.tailoredExploration`); when
    /// not, θ acts for every environment and those episodes are recorded as `policy` with no task (other algorithms
    /// are not affected).
    public let tailoredExploration: Bool
    private var pending: [(kind: RealRolloutKind, paths: [Trajectory])] = []
    private var committed: [Int] = []

    /// A store in the run folder `run`; iterations ≥ `firstIteration` already on disk (from an interrupted run
    /// being resumed) are removed, earlier ones kept.
    public init(
        run: URL, header: TrajectoryHeader, tailoredExploration: Bool = true, firstIteration: Int = 0
    ) throws {
        path = run.appendingPathComponent("trajectories.h5").path
        folder = run.appendingPathComponent("trajectories", isDirectory: true)
        self.header = header
        self.tailoredExploration = tailoredExploration
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StorageError.io(path: folder.path, reason: "cannot create the folder")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix("iter-") && name.hasSuffix(".h5") {
            guard let iteration = Int(name.dropFirst(5).dropLast(3)) else { continue }
            if iteration < firstIteration {
                committed.append(iteration)
            } else {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        committed.sort()
        try writeMaster()
    }

    /// Holds a batch of the current iteration's trajectories until ``commit(iteration:)``.
    public func add(_ kind: RealRolloutKind, _ paths: [Trajectory]) {
        pending.append((kind, paths))
    }

    /// Writes the held batches as iteration `iteration` and links it from the master file.
    public func commit(iteration: Int) throws {
        let name = CheckpointDirectory.fileName(iteration: iteration)
        let group = String(name.dropLast(3))
        let batches = pending
        pending.removeAll()
        let path = folder.appendingPathComponent(name).path
        let file = try HDF5File(creating: path, inMemory: true)
        try writeHeader(file)
        try file.createGroup(group)
        try file.setAttribute("iteration", Int64(iteration), at: group)
        for (kind, paths) in batches {
            try writeBatch(kind, paths, into: file, at: "\(group)/\(kind.rawValue)", iteration: iteration)
        }
        let image = FileSeal.sealed(try file.closeToImage(), format: TrajectoryFile.format)
        try AtomicFile.write(bytes: image, to: path)
        committed = (committed.filter { $0 != iteration } + [iteration]).sorted()
        try writeMaster()
    }

    /// Rewrites the master file: header and one external link per committed iteration.
    private func writeMaster() throws {
        let file = try HDF5File(creating: path, inMemory: true)
        try writeHeader(file)
        try file.setAttribute("iterations", Int64(committed.count))
        for iteration in committed {
            let name = CheckpointDirectory.fileName(iteration: iteration)
            try file.linkExternal(
                String(name.dropLast(3)), file: "trajectories/\(name)",
                object: "/" + String(name.dropLast(3)))
        }
        let image = FileSeal.sealed(try file.closeToImage(), format: TrajectoryFile.format)
        try AtomicFile.write(bytes: image, to: path)
    }

    private func writeHeader(_ file: HDF5File) throws {
        try file.setAttribute("format", TrajectoryFile.format)
        try file.setAttribute("format_version", TrajectoryFile.version)
        try file.setAttribute("environment", header.environment)
        try file.setAttribute("algorithm", header.algorithm)
        try file.setAttribute("seed", header.seed)
        try file.setAttribute("rollouts_per_task", Int64(header.rolloutsPerTask))
        try file.setAttribute("observation_size", Int64(header.observationSize))
        try file.setAttribute("action_size", Int64(header.actionSize))
        try file.setAttribute("nq", Int64(header.nq))
        try file.setAttribute("nv", Int64(header.nv))
        try file.setAttribute("dt", header.dt)
    }

    private func writeBatch(
        _ kind: RealRolloutKind, _ paths: [Trajectory], into file: HDF5File, at group: String,
        iteration: Int
    ) throws {
        try file.createGroup(group)
        let policy = TrajectoryFile.policyName(
            kind: kind, algorithm: header.algorithm, tailored: tailoredExploration)
        try file.setAttribute("kind", kind.rawValue, at: group)
        try file.setAttribute("policy", policy, at: group)
        try file.setAttribute("episodes", Int64(paths.count), at: group)
        for (index, path) in paths.enumerated() {
            let task = TrajectoryFile.task(
                kind: kind, algorithm: header.algorithm, environment: path.environment,
                rolloutsPerTask: header.rolloutsPerTask, tailored: tailoredExploration)
            let metadata = EpisodeMetadata(
                iteration: iteration, kind: kind.rawValue, policy: policy,
                environment: path.environment, task: task, seed: header.seed)
            try TrajectoryFile.writeEpisode(
                path, metadata: metadata, header: header, into: file,
                at: "\(group)/\(TrajectoryFile.episodeName(index))")
        }
    }
}
