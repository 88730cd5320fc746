import Core
import Foundation

extension TrajectoryFile {
    /// Reads the header and every episode of a trajectory file (the master `trajectories.h5` or one
    /// per-iteration file), in iteration, kind-collection and episode order.
    public static func read(_ path: String) throws -> (header: TrajectoryHeader, episodes: [RecordedEpisode]) {
        try FileSeal.verify(path, format: format)
        let file = try HDF5File(opening: path)
        let header = try readHeader(file)
        var episodes: [RecordedEpisode] = []
        for iteration in try file.children(of: "/").filter({ $0.hasPrefix("iter-") }) {
            guard let number = Int(iteration.dropFirst(5)), number >= 0 else {
                throw StorageError.malformed(path: path, reason: "group '\(iteration)' names no iteration")
            }
            // a linked iteration file is verified and read on its own, never parsed unchecked through the link
            if let target = try file.externalLinkTarget(iteration) {
                // the store links each iteration group to the group of the same name in that iteration's file
                guard target.object == "/" + iteration else {
                    throw StorageError.malformed(
                        path: path, reason: "'\(iteration)' links to '\(target.object)' in \(target.file)")
                }
                let linked =
                    target.file.hasPrefix("/")
                    ? target.file
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target.file).path
                try FileSeal.verify(linked, format: format)
                let part = try HDF5File(opening: linked)
                guard try readHeader(part) == header else {
                    throw StorageError.mismatch(path: linked, reason: "belongs to another run than \(path)")
                }
                episodes += try readIteration(part, group: target.object, number: number, header: header)
                try part.close()
            } else {
                episodes += try readIteration(file, group: iteration, number: number, header: header)
            }
        }
        try file.close()
        return (header, episodes)
    }

    /// The episodes of one iteration group, kinds in collection order, episodes in index order; each must record
    /// the iteration `number` that the master file's group name gives (a link to another iteration's file, which
    /// would count its episodes twice, is refused).
    static func readIteration(
        _ file: HDF5File, group iteration: String, number: Int, header: TrajectoryHeader
    ) throws
        -> [RecordedEpisode]
    {
        var episodes: [RecordedEpisode] = []
        for kind in RealRolloutKindOrder.sorted(try file.children(of: iteration)) {
            let group = "\(iteration)/\(kind)"
            let names = try file.children(of: group).filter { $0.hasPrefix("episode-") }
                .sorted { (Int($0.dropFirst(8)) ?? 0) < (Int($1.dropFirst(8)) ?? 0) }
            for name in names {
                let episode = try readEpisode(file, at: "\(group)/\(name)", header: header)
                guard episode.metadata.iteration == number else {
                    throw StorageError.malformed(
                        path: file.path,
                        reason: "'\(group)/\(name)' records iteration \(episode.metadata.iteration), "
                            + "where iteration \(number) was expected")
                }
                episodes.append(episode)
            }
        }
        return episodes
    }

    static func readHeader(_ file: HDF5File) throws -> TrajectoryHeader {
        try file.checkFormat(format, version: version, kind: "trajectory file")
        func int(_ name: String) throws -> Int { Int(try file.attribute(name, as: Int64.self)) }
        /// A width of every state or action; bounded so that no product of it with an episode's length overflows.
        func width(_ name: String) throws -> Int {
            let value = try int(name)
            guard (0...Self.maximumWidth).contains(value) else {
                throw StorageError.malformed(path: file.path, reason: "attribute '\(name)' is \(value)")
            }
            return value
        }
        return TrajectoryHeader(
            environment: try file.stringAttribute("environment"),
            algorithm: try file.stringAttribute("algorithm"),
            seed: try file.attribute("seed", as: UInt64.self),
            rolloutsPerTask: try int("rollouts_per_task"),
            observationSize: try width("observation_size"), actionSize: try width("action_size"),
            nq: try width("nq"), nv: try width("nv"), dt: try file.attribute("dt", as: Double.self))
    }

    /// The largest observation, action, qpos or qvel width a trajectory file may declare.
    static let maximumWidth = 1 << 20
    /// The longest episode a trajectory file may declare (steps).
    static let maximumLength = 1 << 30

    /// Reads one episode, checking every dataset's shape against its `length` and the header's widths (qpos and qvel
    /// may be empty, for an environment that records no states), so that a malformed file is refused with a line
    /// naming the dataset instead of being read out of step.
    static func readEpisode(_ file: HDF5File, at group: String, header: TrajectoryHeader) throws -> RecordedEpisode {
        func int(_ name: String) throws -> Int { Int(try file.attribute(name, at: group, as: Int64.self)) }
        let steps = try int("length")
        guard (0...Self.maximumLength).contains(steps) else {
            throw StorageError.malformed(path: file.path, reason: "'\(group)' has length \(steps)")
        }
        /// The dataset's values, which must have one of the `shapes`.
        func values(_ name: String, _ shapes: [Int]...) throws -> [Double] {
            let data = try file.read(Double.self, at: "\(group)/\(name)")
            guard shapes.contains(data.shape) else {
                throw StorageError.malformed(
                    path: file.path,
                    reason: "'\(group)/\(name)' has shape \(data.shape), expected \(shapes[0]) (length \(steps))")
            }
            return data.values
        }
        let o = header.observationSize, a = header.actionSize
        var path = Trajectory()
        let observations = try values("observations", [steps + 1, o])
        path.observations = Array(observations.prefix(steps * o))
        path.finalObservation = Array(observations.suffix(o))
        path.actions = try values("actions", [steps, a])
        path.appliedActions = try values("applied_actions", [steps, a])
        path.rewards = try values("rewards", [steps])
        path.qpos = try values("qpos", [steps + 1, header.nq], [0, 0])
        path.qvel = try values("qvel", [steps + 1, header.nv], [0, 0])
        guard path.qpos.isEmpty == path.qvel.isEmpty else {
            throw StorageError.malformed(path: file.path, reason: "'\(group)' has only one of qpos and qvel")
        }
        path.environment = try int("environment")
        switch try file.stringAttribute("end", at: group) {
        case "terminated": path.end = .terminated
        case "truncated": path.end = .truncated
        case "diverged": path.end = .diverged((try? file.stringAttribute("end_reason", at: group)) ?? "")
        default: path.end = .running
        }
        let metadata = EpisodeMetadata(
            iteration: try int("iteration"), kind: try file.stringAttribute("kind", at: group),
            policy: try file.stringAttribute("policy", at: group),
            environment: path.environment, task: try int("task"),
            seed: try file.attribute("seed", at: group, as: UInt64.self))
        return RecordedEpisode(metadata: metadata, trajectory: path)
    }
}

/// Kind groups in collection order (random, exploration, pre-update, post-update), unknown names last.
public enum RealRolloutKindOrder {
    public static let order = ["random", "exploration", "pre-update", "post-update"]

    /// A kind's place in collection order; unknown names after every known one.
    public static func rank(_ name: String) -> Int { order.firstIndex(of: name) ?? order.count }

    public static func sorted(_ names: [String]) -> [String] {
        names.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}
