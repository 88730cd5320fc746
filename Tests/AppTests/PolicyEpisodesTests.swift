import Core
import Testing

@testable import App

/// Episodes that `eval` and `rollout` score: one that diverged (the simulation became unstable, e.g. a model with
/// a 0.1 s timestep) makes the score meaningless, so it is refused with the count and the first reason.
@Suite struct PolicyEpisodesTests {
    static func path(rewards: [Double], end: EpisodeEnd) -> Trajectory {
        var path = Trajectory()
        path.rewards = rewards
        path.end = end
        return path
    }

    @Test func divergedEpisodesAreRefusedWithTheirCountAndReason() throws {
        let fine = [Self.path(rewards: [1, 2], end: .truncated), Self.path(rewards: [3], end: .terminated)]
        try PolicyEpisodes.checkNoneDiverged(fine)
        try PolicyEpisodes.checkNoneDiverged([])
        let unstable =
            fine + [
                Self.path(rewards: [9000], end: .diverged("mj_checkAcc: bad qacc")),
                Self.path(rewards: [1], end: .diverged("")),
            ]
        let error = #expect(throws: ResumeError.self) { try PolicyEpisodes.checkNoneDiverged(unstable) }
        #expect(
            error?.description
                == "2 of 4 episodes diverged (mj_checkAcc: bad qacc); no score is given for them: check the model "
                + "(--assets) and its timestep")
    }
}
