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

        /// The groups of `episodes` in their recorded order (iteration, then kind in collection order).
        static func groups(_ episodes: [RecordedEpisode], pitch: TorsoPitch?) -> [RecordedGroup] {
            var groups: [RecordedGroup] = []
            var start = 0
            while start < episodes.count {
                let (iteration, kind) = (episodes[start].metadata.iteration, episodes[start].metadata.kind)
                var end = start
                while end < episodes.count && episodes[end].metadata.iteration == iteration
                    && episodes[end].metadata.kind == kind
                {
                    end += 1
                }
                let members = episodes[start..<end]
                groups.append(
                    RecordedGroup(
                        iteration: iteration, kind: kind, returns: members.map(\.trajectory.totalReward),
                        upsideDown: pitch.map { pitch in
                            members.map { pitch.upsideDownStates(qpos: $0.trajectory.qpos) }
                        }))
                start = end
            }
            return groups
        }

        /// The first iteration with a group whose episodes were mostly upside down (the flipped gait), if any.
        static func firstFlipped(_ groups: [RecordedGroup]) -> Int? {
            groups.first { group in group.posture.map { 2 * $0.episodes > $0.count } ?? false }?.iteration
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
                pad(String(group.iteration), 9) + "  " + pad(group.kind, 11, left: true) + "  "
                    + pad(String(group.returns.count), 8) + "  "
                    + pad(
                        "\(format(statistics.mean, decimals: 1)) ± \(format(statistics.standardDeviation, decimals: 1))",
                        19) + "  "
                    + pad(posture.map { "\(format(100 * $0.fraction, decimals: 1)) %" } ?? "–", 11) + "  "
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
            try AtomicFile.write(text: JSONValue.object(fields).prettyText + "\n", to: json)
        }
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }
}
