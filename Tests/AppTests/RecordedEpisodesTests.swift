import Core
import Sim
import Testing

@testable import App
@testable import Storage

/// `mbmpo eval --recorded`: a run's recorded real episodes grouped per iteration and kind, with the share of states
/// a planar robot's torso spent upside down.
@Suite struct RecordedEpisodesTests {
    /// An episode of `iteration`/`kind` with the given rewards and torso pitches (qpos rows of width 3, pitch at 2).
    static func episode(_ iteration: Int, _ kind: String, rewards: [Double], pitches: [Double]) -> RecordedEpisode {
        var path = Trajectory()
        path.rewards = rewards
        path.qpos = pitches.flatMap { [0, 0, $0] }
        return RecordedEpisode(
            metadata: EpisodeMetadata(
                iteration: iteration, kind: kind, policy: "policy", environment: 0, task: -1, seed: 1),
            trajectory: path)
    }

    static let episodes = [
        episode(0, "random", rewards: [1, 2], pitches: [0, 0.5, 0.2]),
        episode(0, "random", rewards: [3, 0], pitches: [0, 0, 0]),
        episode(1, "exploration", rewards: [4, 4], pitches: [0, 2, 3]),  // 2 of 3 upside down
        episode(1, "exploration", rewards: [0, 2], pitches: [0, 0, 0]),
        episode(1, "exploration", rewards: [1, 1], pitches: [0, 0, -1.6]),  // 1 of 3
        episode(2, "exploration", rewards: [6, 6], pitches: [3.1, 3.1, 3.1]),
        episode(2, "exploration", rewards: [5, 5], pitches: [0, -3, 3]),
    ]

    @Test func groupsFollowIterationAndKindWithTheirReturnsAndPosture() throws {
        let groups = Eval.RecordedGroup.groups(Self.episodes, pitch: TorsoPitch(qposIndex: 2, qposWidth: 3))
        #expect(groups.map(\.iteration) == [0, 1, 2])
        #expect(groups.map(\.kind) == ["random", "exploration", "exploration"])
        #expect(groups.map(\.returns) == [[3, 3], [8, 2, 2], [12, 10]])
        let postures = groups.map { $0.posture! }
        #expect(postures.map(\.fraction) == [0, 3.0 / 9, 5.0 / 6])
        #expect(postures.map(\.episodes) == [0, 1, 2])
        #expect(postures.map(\.count) == [2, 3, 2])
        // iteration 1 has one mostly-flipped episode of three; iteration 2 has both
        #expect(Eval.RecordedGroup.firstFlipped(groups) == 2)
    }

    @Test func withoutATorsoPitchThereIsNoPostureAndNoFlip() {
        let groups = Eval.RecordedGroup.groups(Self.episodes, pitch: nil)
        #expect(groups.count == 3)
        #expect(groups.allSatisfy { $0.posture == nil })
        #expect(Eval.RecordedGroup.firstFlipped(groups) == nil)
    }

    /// Two kinds within one iteration (MB-MPO records pre- and post-update episodes) are two groups, in collection
    /// order; episodes that come in any order are grouped by (iteration, kind) all the same, and the first flipped
    /// iteration is the lowest one, not the first one read.
    @Test func groupsDoNotDependOnTheEpisodesOrder() {
        let episodes = [
            Self.episode(12, "exploration", rewards: [9], pitches: [3, 3]),
            Self.episode(3, "post-update", rewards: [2], pitches: [3, 3]),
            Self.episode(3, "pre-update", rewards: [1], pitches: [0, 0]),
            Self.episode(4, "pre-update", rewards: [4], pitches: [0, 0]),
            Self.episode(3, "post-update", rewards: [3], pitches: [3, 3]),
        ]
        let groups = Eval.RecordedGroup.groups(episodes, pitch: TorsoPitch(qposIndex: 2, qposWidth: 3))
        #expect(groups.map(\.iteration) == [3, 3, 4, 12])
        #expect(groups.map(\.kind) == ["pre-update", "post-update", "pre-update", "exploration"])
        #expect(groups.map(\.returns) == [[1], [2, 3], [4], [9]])
        #expect(Eval.RecordedGroup.firstFlipped(groups) == 3)
        #expect(Eval.RecordedGroup.firstFlipped(Array(groups.reversed())) == 3)
    }

    /// A NaN in the numbers (a recorded reward that is not finite) is refused with its place instead of the JSON
    /// file being written as "?" (JSON has no NaN); finite documents are written as before.
    @Test func jsonWithANonFiniteNumberIsRefusedWithItsPlace() throws {
        let document = JSONValue.object([
            "seed": .unsigned(1),
            "groups": .array([.object(["returnMean": .number(1.5)]), .object(["returnMean": .number(.nan)])]),
        ])
        #expect(throws: NonFiniteJSONNumber(place: "groups[1].returnMean")) { try document.prettyText() }
        #expect(throws: NonFiniteJSONNumber(place: "the top level")) { try JSONValue.number(-.infinity).prettyText() }
        #expect(
            try JSONValue.object(["a": .array([.number(1.5), .null])]).prettyText()
                == "{\n  \"a\" : [\n    1.5,\n    null\n  ]\n}")
    }
}
