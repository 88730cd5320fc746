import Core
import Foundation

/// Offline-RL dataset layouts that the Python ecosystem loads as they are.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// Farama Minari's HDF5 layout: one group `episode_N` per episode.
    case minari
    /// D4RL's flat layout: all steps concatenated, with `terminals`/`timeouts` and `infos/qpos`, `infos/qvel`.
    case d4rl
}

/// What an exported dataset records about its origin.
public struct ExportInfo: Equatable, Sendable {
    /// Task name, e.g. `half-cheetah`.
    public var environment: String
    /// Algorithm that trained the policy.
    public var algorithm: String
    /// `pre` (θ) or `adapted` (θ'_{episode mod M}).
    public var policy: String
    /// Iterations completed when the checkpoint was written.
    public var checkpointIteration: Int
    /// Seed of the export rollouts (episode k resets with stream k of it).
    public var seed: UInt64
    /// Whether actions were the policy's mean instead of samples.
    public var deterministic: Bool
    /// Widths: observation, action, qpos, qvel.
    public var observationSize: Int, actionSize: Int, nq: Int, nv: Int
    /// Gymnasium's `EnvSpec` of the task as JSON (its `to_json()`), for a Gymnasium task: Minari's metadata carries
    /// it, so that `dataset.recover_environment()` makes Gymnasium's own environment. Nil for the paper's tasks.
    public var gymnasiumEnvSpec: String? = nil

    /// Info from its parts.
    public init(
        environment: String, algorithm: String, policy: String, checkpointIteration: Int, seed: UInt64,
        deterministic: Bool, observationSize: Int, actionSize: Int, nq: Int, nv: Int
    ) {
        self.environment = environment
        self.algorithm = algorithm
        self.policy = policy
        self.checkpointIteration = checkpointIteration
        self.seed = seed
        self.deterministic = deterministic
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.nq = nq
        self.nv = nv
    }

    /// Minari dataset id: `mbmpo/ENV/POLICY-v0`.
    public var datasetID: String { "mbmpo/\(environment)/\(policy)-v0" }
}

/// Writes exported episodes (schemas in `docs/storage.md`); the file is written atomically.
public enum DatasetExport {
    /// Writes `episodes` (with the task each served) to `path` in `format`. A Minari file named `main_data.hdf5`
    /// also gets Minari's `metadata.json` beside it, which makes its folder loadable with `minari.MinariDataset`; a
    /// D4RL file written there removes the `metadata.json` an earlier Minari export of ours left (it would describe
    /// a file that is gone), and leaves anyone else's alone.
    public static func write(
        _ episodes: [Trajectory], tasks: [Int], info: ExportInfo, format: ExportFormat,
        to path: String
    ) throws {
        precondition(tasks.count == episodes.count, "one task per episode")
        let file = try HDF5File(creating: path, inMemory: true)
        try writeAttributes(info, episodes: episodes, into: file)
        switch format {
        case .minari: try writeMinari(episodes, tasks: tasks, info: info, into: file)
        case .d4rl: try writeD4RL(episodes, tasks: tasks, info: info, into: file)
        }
        try AtomicFile.write(bytes: try file.closeToImage(), to: path)
        guard URL(fileURLWithPath: path).lastPathComponent == "main_data.hdf5" else { return }
        let metadata = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("metadata.json")
        switch format {
        case .minari: try AtomicFile.write(text: try minariMetadata(info, episodes: episodes), to: metadata.path)
        case .d4rl:
            if isOwnMinariMetadata(metadata) { try? FileManager.default.removeItem(at: metadata) }
        }
    }

    /// Whether `url` is a Minari `metadata.json` this exporter wrote (its `author` is mbmpo).
    static func isOwnMinariMetadata(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["author"] as? String == "mbmpo" && object["minari_version"] != nil
    }

    /// The Minari release whose dataset layout the export follows (`metadata.json` beside `main_data.hdf5`, with
    /// `data_format`: both new in Minari 0.5.0; later releases read it, and 0.4 releases did not have it).
    static let minariFormatVersion = "0.5.0"

    /// Actions as the environment used them, in the normalized space: clipped to [−1, 1].
    static func clippedActions(_ path: Trajectory) -> [Double] { path.actions.map { min(max($0, -1), 1) } }

    static func writeAttributes(_ info: ExportInfo, episodes: [Trajectory], into file: HDF5File) throws {
        try file.setAttribute("total_episodes", Int64(episodes.count))
        try file.setAttribute("total_steps", Int64(episodes.reduce(0) { $0 + $1.length }))
        try file.setAttribute("dataset_id", info.datasetID)
        try file.setAttribute("data_format", "hdf5")
        try file.setAttribute("minari_version", minariFormatVersion)
        try file.setAttribute("observation_space", observationSpace(info))
        try file.setAttribute("action_space", actionSpace(info))
        try file.setAttribute("author", "mbmpo")
        try file.setAttribute("algorithm_name", info.algorithm)
        try file.setAttribute("environment", info.environment)
        try file.setAttribute("policy", info.policy)
        try file.setAttribute("checkpoint_iteration", Int64(info.checkpointIteration))
        try file.setAttribute("seed", info.seed)
        try file.setAttribute("deterministic", info.deterministic)
    }

    static func writeMinari(_ episodes: [Trajectory], tasks: [Int], info: ExportInfo, into file: HDF5File) throws {
        for (index, path) in episodes.enumerated() {
            let group = "episode_\(index)", steps = path.length
            try file.createGroup(group)
            try file.setAttribute("id", Int64(index), at: group)
            try file.setAttribute("total_steps", Int64(steps), at: group)
            try file.setAttribute("task", Int64(tasks[index]), at: group)
            // Minari's per-episode reset seed: the state of the SplitMix64 stream this episode's reset drew from
            // (stream k of the export's --seed), so an episode can be regenerated alone
            try file.setAttribute("seed", SplitMix64(seed: info.seed).derived(stream: UInt64(index)).state, at: group)
            try file.write(
                path.observations + path.finalObservation, shape: [steps + 1, info.observationSize],
                at: "\(group)/observations")
            try file.write(
                clippedActions(path).map(Float.init), shape: [steps, info.actionSize],
                at: "\(group)/actions")
            try file.write(path.rewards, shape: [steps], at: "\(group)/rewards")
            try file.write(
                (0..<steps).map { $0 == steps - 1 && path.terminated }, shape: [steps],
                at: "\(group)/terminations")
            try file.write(
                (0..<steps).map { $0 == steps - 1 && path.truncated }, shape: [steps],
                at: "\(group)/truncations")
            try file.write(path.qpos, shape: [steps + 1, info.nq], at: "\(group)/infos/qpos")
            try file.write(path.qvel, shape: [steps + 1, info.nv], at: "\(group)/infos/qvel")
        }
    }

    static func writeD4RL(_ episodes: [Trajectory], tasks: [Int], info: ExportInfo, into file: HDF5File) throws {
        let (o, nq, nv) = (info.observationSize, info.nq, info.nv)
        let n = episodes.reduce(0) { $0 + $1.length }
        var next: [Double] = [], qpos: [Double] = [], qvel: [Double] = []
        var terminals: [Bool] = [], timeouts: [Bool] = [], episode: [Int32] = [], task: [Int32] = []
        for (index, path) in episodes.enumerated() {
            let steps = path.length
            next += path.observations.dropFirst(o) + path.finalObservation
            qpos += path.qpos.prefix(steps * nq)
            qvel += path.qvel.prefix(steps * nv)
            terminals += (0..<steps).map { $0 == steps - 1 && path.terminated }
            timeouts += (0..<steps).map { $0 == steps - 1 && path.truncated }
            episode += [Int32](repeating: Int32(index), count: steps)
            task += [Int32](repeating: Int32(tasks[index]), count: steps)
        }
        try file.write(episodes.flatMap(\.observations).map(Float.init), shape: [n, o], at: "observations")
        try file.write(episodes.flatMap(clippedActions).map(Float.init), shape: [n, info.actionSize], at: "actions")
        try file.write(episodes.flatMap(\.rewards).map(Float.init), shape: [n], at: "rewards")
        try file.write(next.map(Float.init), shape: [n, o], at: "next_observations")
        try file.write(terminals, shape: [n], at: "terminals")
        try file.write(timeouts, shape: [n], at: "timeouts")
        try file.write(qpos, shape: [n, nq], at: "infos/qpos")
        try file.write(qvel, shape: [n, nv], at: "infos/qvel")
        try file.write(episode, shape: [n], at: "infos/episode")
        try file.write(task, shape: [n], at: "infos/task")
    }

    /// Gymnasium `Box` serialized as Minari does (a JSON string).
    static func observationSpace(_ info: ExportInfo) -> String {
        box(dtype: "float64", size: info.observationSize, low: "-Infinity", high: "Infinity")
    }

    static func actionSpace(_ info: ExportInfo) -> String {
        box(dtype: "float32", size: info.actionSize, low: "-1.0", high: "1.0")
    }

    static func box(dtype: String, size: Int, low: String, high: String) -> String {
        let lows = [String](repeating: low, count: size).joined(separator: ", ")
        let highs = [String](repeating: high, count: size).joined(separator: ", ")
        return "{\"type\": \"Box\", \"dtype\": \"\(dtype)\", \"shape\": [\(size)], \"low\": [\(lows)], "
            + "\"high\": [\(highs)]}"
    }

    /// Minari's `metadata.json` (spaces as JSON strings inside JSON, as Minari stores them), keys sorted.
    static func minariMetadata(_ info: ExportInfo, episodes: [Trajectory]) throws -> String {
        let metadata = MinariMetadata(
            total_episodes: episodes.count, total_steps: episodes.reduce(0) { $0 + $1.length }, data_format: "hdf5",
            dataset_id: info.datasetID, minari_version: minariFormatVersion, observation_space: observationSpace(info),
            action_space: actionSpace(info), author: "mbmpo", algorithm_name: info.algorithm,
            env_spec: info.gymnasiumEnvSpec)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self) + "\n"
    }

    /// The fields of Minari's `metadata.json`, named as Minari names them.
    struct MinariMetadata: Encodable {
        let total_episodes: Int
        let total_steps: Int
        let data_format: String
        let dataset_id: String
        let minari_version: String
        let observation_space: String
        let action_space: String
        let author: String
        let algorithm_name: String
        /// Left out when nil.
        let env_spec: String?
    }
}
