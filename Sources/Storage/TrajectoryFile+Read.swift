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
            // a linked iteration file is verified and read on its own, never parsed unchecked through the link
            if let target = try file.externalLinkTarget(iteration) {
                let linked =
                    target.file.hasPrefix("/")
                    ? target.file
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target.file).path
                try FileSeal.verify(linked, format: format)
                let part = try HDF5File(opening: linked)
                guard try readHeader(part) == header else {
                    throw StorageError.mismatch(path: linked, reason: "belongs to another run than \(path)")
                }
                episodes += try readIteration(part, group: target.object, header: header)
                try part.close()
            } else {
                episodes += try readIteration(file, group: iteration, header: header)
            }
        }
        try file.close()
        return (header, episodes)
    }

    /// The episodes of one iteration group, kinds in collection order, episodes in index order.
    static func readIteration(
        _ file: HDF5File, group iteration: String, header: TrajectoryHeader
    ) throws
        -> [RecordedEpisode]
    {
        var episodes: [RecordedEpisode] = []
        for kind in RealRolloutKindOrder.sorted(try file.children(of: iteration)) {
            let group = "\(iteration)/\(kind)"
            let names = try file.children(of: group).filter { $0.hasPrefix("episode-") }
                .sorted { (Int($0.dropFirst(8)) ?? 0) < (Int($1.dropFirst(8)) ?? 0) }
            for name in names { episodes.append(try readEpisode(file, at: "\(group)/\(name)", header: header)) }
        }
        return episodes
    }

    static func readHeader(_ file: HDF5File) throws -> TrajectoryHeader {
        try file.checkFormat(format, version: version, kind: "trajectory file")
        func int(_ name: String) throws -> Int { Int(try file.attribute(name, as: Int64.self)) }
        return TrajectoryHeader(
            environment: try file.stringAttribute("environment"),
            algorithm: try file.stringAttribute("algorithm"),
            seed: try file.attribute("seed", as: UInt64.self),
            rolloutsPerTask: try int("rollouts_per_task"),
            observationSize: try int("observation_size"), actionSize: try int("action_size"),
            nq: try int("nq"), nv: try int("nv"), dt: try file.attribute("dt", as: Double.self))
    }

    static func readEpisode(_ file: HDF5File, at group: String, header: TrajectoryHeader) throws -> RecordedEpisode {
        func int(_ name: String) throws -> Int { Int(try file.attribute(name, at: group, as: Int64.self)) }
        let steps = try int("length")
        var path = Trajectory()
        let observations = try file.read(Double.self, at: "\(group)/observations")
        guard observations.shape == [steps + 1, header.observationSize] else {
            throw StorageError.malformed(
                path: file.path,
                reason: "'\(group)/observations' has shape "
                    + "\(observations.shape), expected [\(steps + 1), \(header.observationSize)]")
        }
        path.observations = Array(observations.values.prefix(steps * header.observationSize))
        path.finalObservation = Array(observations.values.suffix(header.observationSize))
        path.actions = try file.read(Double.self, at: "\(group)/actions").values
        path.appliedActions = try file.read(Double.self, at: "\(group)/applied_actions").values
        path.rewards = try file.read(Double.self, at: "\(group)/rewards").values
        path.qpos = try file.read(Double.self, at: "\(group)/qpos").values
        path.qvel = try file.read(Double.self, at: "\(group)/qvel").values
        guard path.rewards.count == steps, path.actions.count == steps * header.actionSize else {
            throw StorageError.malformed(path: file.path, reason: "'\(group)' has inconsistent step counts")
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
