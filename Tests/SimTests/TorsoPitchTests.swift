import Core
import Sim
import Testing

/// The torso-pitch measure `mbmpo eval` reports (half-cheetah's flipped gait).
@Suite struct TorsoPitchTests {
    @Test func upsideDownIsMoreThanAQuarterTurnFromUprightModuloWholeTurns() {
        let upright: [Double] = [0, 1.5, -1.5, 2 * .pi + 0.1, -2 * .pi - 1.5, 4 * .pi]
        let upsideDown: [Double] = [1.6, -1.6, .pi, -.pi, 2 * .pi + 3, -2 * .pi - 2]
        for angle in upright { #expect(!TorsoPitch.isUpsideDown(angle), "\(angle)") }
        for angle in upsideDown { #expect(TorsoPitch.isUpsideDown(angle), "\(angle)") }
    }

    /// The planar robots have the pitch where their model files say; the others have none.
    @Test func thePitchIsTheRootyHingeOfThePlanarRobots() throws {
        let planar: [EnvironmentID: Int] = [
            .halfCheetah: 9, .hopper: 6, .walker2d: 9, .halfCheetahV5: 9, .hopperV5: 6, .walker2dV5: 9,
        ]
        for (id, width) in planar {
            #expect(TorsoPitch(model: try Models.model(id)) == TorsoPitch(qposIndex: 2, qposWidth: width), "\(id)")
        }
        for id in [EnvironmentID.ant, .swimmer, .pr2, .antV5, .swimmerV5, .reacherV5] {
            #expect(TorsoPitch(model: try Models.model(id)) == nil, "\(id)")
        }
    }

    @Test func theFractionCountsWholeStates() {
        let pitch = TorsoPitch(qposIndex: 2, qposWidth: 3)
        let qpos: [Double] = [9, 9, 0, 9, 9, 3, 9, 9, -3, 9, 9, 0.5]
        #expect(pitch.upsideDownFraction(qpos: qpos) == 0.5)
        #expect(pitch.upsideDownFraction(qpos: []) == nil)
    }

    /// A half-cheetah put on its back stays there under zero controls, and the measure sees every state of it so;
    /// one in its reference pose stays upright.
    @Test func aHalfCheetahOnItsBackReadsUpsideDown() throws {
        let environment = try Models.environment(.halfCheetah)
        let pitch = try #require(TorsoPitch(model: environment.simulation.model))
        for (start, expected) in [(Double.pi, 1.0), (0, 0.0)] {
            var qpos = [Double](repeating: 0, count: 9)
            qpos[1] = 0.3
            qpos[2] = start
            try environment.simulation.setState(qpos: qpos, qvel: [Double](repeating: 0, count: 9))
            var states: [Double] = [], velocities: [Double] = []
            for _ in 0..<100 {
                _ = try environment.step([Double](repeating: 0, count: 6))
                environment.appendState(qpos: &states, qvel: &velocities)
            }
            #expect(pitch.upsideDownFraction(qpos: states) == expected, "start pitch \(start)")
        }
    }
}
