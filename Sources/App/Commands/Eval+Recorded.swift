import Core
import Foundation
import Learner
import Sim
import Storage

/// A run folder whose recorded episodes cannot be scored.
struct RecordedEpisodesError: Error, CustomStringConvertible {
    let description: String
}

extension Eval {
    /// One iteration's recorded real episodes of one kind (random, exploration, pre-update, post-update).
    struct RecordedGroup {
        let iteration: Int
        let kind: String
        let returns: [Double]
        /// Upside-down and total states per episode, where the robot has a torso pitch.
        let upsideDown: [(upsideDown: Int, states: Int)]?

        var posture: Posture? { upsideDown.map { Posture($0) } }

        /// The groups of `episodes`, one per (iteration, kind), by iteration and then kind in collection order
        /// (random, exploration, pre-update, post-update), whatever order the episodes come in.
        static func groups(_ episodes: [RecordedEpisode], pitch: TorsoPitch?) -> [RecordedGroup] {
            var members: [String: [RecordedEpisode]] = [:]
            var keys: [(iteration: Int, kind: String)] = []
            for episode in episodes {
                let key = "\(episode.metadata.iteration)/\(episode.metadata.kind)"
                if members[key] == nil { keys.append((episode.metadata.iteration, episode.metadata.kind)) }
                members[key, default: []].append(episode)
            }
            keys.sort {
                ($0.iteration, RealRolloutKindOrder.rank($0.kind), $0.kind)
                    < ($1.iteration, RealRolloutKindOrder.rank($1.kind), $1.kind)
            }
            return keys.map { key in
                let group = members["\(key.iteration)/\(key.kind)"] ?? []
                return RecordedGroup(
                    iteration: key.iteration, kind: key.kind, returns: group.map(\.trajectory.totalReward),
                    upsideDown: pitch.map { pitch in group.map { pitch.upsideDownStates(qpos: $0.trajectory.qpos) } })
            }
        }

        /// The first iteration with a group whose episodes were mostly upside down (the flipped gait), if any.
        static func firstFlipped(_ groups: [RecordedGroup]) -> Int? {
            groups.filter { group in group.posture.map { 2 * $0.episodes > $0.count } ?? false }.map(\.iteration).min()
        }

        var json: JSONValue {
            let statistics = ReturnStatistics(returns)
            return .object([
                "iteration": .integer(Int64(iteration)), "kind": .string(kind),
                "episodes": .integer(Int64(returns.count)), "returnMean": .number(statistics.mean),
                "returnStd": .number(statistics.standardDeviation),
                "upsideDownFraction": posture.map { .number($0.fraction) } ?? .null,
                "upsideDownEpisodes": posture.map { .integer(Int64($0.episodes)) } ?? .null,
            ])
        }
    }

    /// `--recorded`: the run's recorded real episodes (`trajectories.h5`), per iteration and kind: their return and,
    /// for a planar robot, how much of them the torso spent upside down. Rolls nothing out.
    func scoreRecorded(run: String) throws {
        let file = URL(fileURLWithPath: run, isDirectory: true).appendingPathComponent("trajectories.h5").path
        guard FileManager.default.fileExists(atPath: file) else {
            throw RecordedEpisodesError(description: "\(run) has no trajectories.h5 to read recorded episodes from")
        }
        let (header, episodes) = try TrajectoryFile.read(file)
        let model = try EnvironmentID(parsing: header.environment).loadModel(assets: assetOptions.assets)
        let pitch = TorsoPitch(model: model)
        if let pitch, pitch.qposWidth != header.nq {
            throw RecordedEpisodesError(
                description: "\(file) records states of \(header.nq) positions, the \(header.environment) "
                    + "model has \(pitch.qposWidth)")
        }
        let groups = RecordedGroup.groups(episodes, pitch: pitch)
        print(
            "\(header.environment), \(header.algorithm), seed \(header.seed): \(episodes.count) recorded real episodes")
        print("iteration  kind         episodes  return (mean ± std)  upside down  flipped episodes")
        for group in groups {
            let statistics = ReturnStatistics(group.returns)
            let posture = group.posture
            print(
                rightAligned(String(group.iteration), 9) + "  " + pad(group.kind, 13)
                    + rightAligned(String(group.returns.count), 8) + "  "
                    + rightAligned(
                        format(statistics.mean, decimals: 1) + " ± "
                            + format(statistics.standardDeviation, decimals: 1),
                        19) + "  "
                    + rightAligned(posture.map { "\(format(100 * $0.fraction, decimals: 1)) %" } ?? "–", 11) + "  "
                    + (posture.map { "\($0.episodes) of \($0.count)" } ?? "–"))
        }
        let first = RecordedGroup.firstFlipped(groups)
        if pitch != nil {
            print(
                first.map { "first iteration with most of a group's episodes upside down: \($0)" }
                    ?? "no iteration had most of a group's episodes upside down")
        }
        if let json {
            let fields: [String: JSONValue] = [
                "trajectories": .string(file), "environment": .string(header.environment),
                "algorithm": .string(header.algorithm), "seed": .unsigned(header.seed),
                "groups": .array(groups.map(\.json)),
                "firstFlippedIteration": first.map { .integer(Int64($0)) } ?? .null,
            ]
            try AtomicFile.write(text: try JSONValue.object(fields).prettyText() + "\n", to: json)
        }
    }

    /// Right-aligns `text` in a column of `width` characters.
    private func rightAligned(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
