import Core
import Sim
import Testing
import Viewer

@testable import App

/// The posture the run report gives with the final policy's picture strip.
@Suite struct RunReportTests {
    /// A half-cheetah path whose pitch (qpos[2]) is `pitches[row]`, one row per state.
    static func path(pitches: [Double]) -> Trajectory {
        var path = Trajectory()
        for pitch in pitches {
            var qpos = [Double](repeating: 0, count: 9)
            (qpos[1], qpos[2]) = (0.5, pitch)
            path.qpos += qpos
            path.qvel += [Double](repeating: 0, count: 9)
        }
        path.rewards = [Double](repeating: 1, count: pitches.count - 1)
        path.end = .truncated
        return path
    }

    /// Counted: each episode's start state and the state after every step, those more than 90° from upright
    /// upside down; past half of them the text names the flipped gait, and the counts go on over episodes.
    @Test func postureCountsTheStartAndEveryStateAfterAStep() throws {
        let environment = try EnvironmentID.halfCheetah.make()
        let pitch = try #require(TorsoPitch(model: environment.simulation.model))
        let recorded = try RecordedReplay(
            name: "half-cheetah", simulation: environment.simulation,
            trajectories: [Self.path(pitches: [0, 1.0, 2.0, 3.0, -3.0]), Self.path(pitches: [0, 0.2, 7.0])])
        let posture = PostureCount(recorded, pitch: pitch)
        let driver = try ReplayDriver(source: posture)
        while driver.end == .running { try driver.advance() }
        #expect((posture.upsideDown, posture.states) == (3, 5))
        #expect(posture.text == "torso upside down in 60.0 % of its states: the flipped gait")
        while !driver.isFinished { try driver.advance() }
        #expect((posture.upsideDown, posture.states) == (3, 8))
        #expect(posture.text == "torso upside down in 37.5 % of its states")
        #expect(driver.completedReturns == [4, 2])
    }
}
