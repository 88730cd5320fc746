import Core
import Foundation
import Testing

@testable import Sim

/// Gymnasium's v5 tasks: sizes, observations, reward terms, termination and resets as v5's code defines them (the
/// comparison with Gymnasium itself is `scripts/gymnasium_parity.py`), and their model reward functions.
@Suite struct GymnasiumTaskTests {
    /// (observation, action, dt, horizon) from Gymnasium's documentation and registration.
    static let specs: [EnvironmentID: (obs: Int, act: Int, dt: Double, horizon: Int)] = [
        .halfCheetahV5: (17, 6, 0.05, 1000), .hopperV5: (11, 3, 0.008, 1000), .walker2dV5: (17, 6, 0.008, 1000),
        .antV5: (105, 8, 0.05, 1000), .swimmerV5: (8, 2, 0.04, 1000), .reacherV5: (10, 2, 0.02, 50),
    ]
    /// Control cost weights (on the action as given) and the index of the observed x velocity.
    static let controlCost: [EnvironmentID: Double] = [
        .halfCheetahV5: 0.1, .hopperV5: 1e-3, .walker2dV5: 1e-3, .antV5: 0.5, .swimmerV5: 1e-4, .reacherV5: 1,
    ]
    static let velocityIndex: [EnvironmentID: Int] = [
        .halfCheetahV5: 8, .hopperV5: 5, .walker2dV5: 8, .antV5: 13, .swimmerV5: 3,
    ]

    @Test func specsMatchGymnasium() throws {
        #expect(EnvironmentID.gymnasiumTasks.count == 6)
        for id in EnvironmentID.gymnasiumTasks {
            let spec = try Models.environment(id).spec
            let expected = try #require(Self.specs[id])
            #expect(spec.observationSize == expected.obs && spec.actionSize == expected.act)
            #expect(spec.dt == expected.dt)
            #expect(spec.horizon == expected.horizon)
            #expect(spec.actionLower.allSatisfy { $0 == -1 } && spec.actionUpper.allSatisfy { $0 == 1 })
        }
    }

    /// One random episode's steps of `id` with their states before and after.
    struct Step {
        var action: [Double], observation: [Double], result: StepResult
        var qposBefore: [Double], qpos: [Double], qvel: [Double]
    }

    static func steps(_ id: EnvironmentID, count: Int, seed: UInt64) throws -> [Step] {
        let env = try Models.environment(id)
        var rng = SplitMix64(seed: seed)
        var observation = env.reset(using: &rng)
        var steps: [Step] = []
        var length = 0
        while steps.count < count {
            let before = Array(env.simulation.qpos)
            let action = randomAction(env.spec.actionSize, &rng)
            let result = try env.step(action)
            steps.append(
                Step(
                    action: action, observation: observation, result: result, qposBefore: before,
                    qpos: Array(env.simulation.qpos), qvel: Array(env.simulation.qvel)))
            observation = result.observation
            length += 1
            if result.end != .running || length == env.spec.horizon {
                observation = env.reset(using: &rng)
                length = 0
            }
        }
        return steps
    }

    /// Observations: the state entries v5 lists, velocities clipped at ±10 for Hopper and Walker2d.
    @Test(arguments: [EnvironmentID.halfCheetahV5, .hopperV5, .walker2dV5, .antV5, .swimmerV5])
    func observationLayout(_ id: EnvironmentID) throws {
        let clip10 = { (v: Double) in min(max(v, -10), 10) }
        for step in try Self.steps(id, count: 300, seed: 3) {
            let (qpos, qvel, o) = (step.qpos, step.qvel, step.result.observation)
            switch id {
            case .halfCheetahV5: #expect(o == Array(qpos[1...]) + qvel)
            case .hopperV5, .walker2dV5: #expect(o == Array(qpos[1...]) + qvel.map(clip10))
            case .swimmerV5: #expect(o == Array(qpos[2...]) + qvel)
            case .antV5:
                #expect(Array(o[0..<27]) == Array(qpos[2...]) + qvel)
                #expect(o[27...].allSatisfy { abs($0) <= 1 })
            default: Issue.record("no layout for \(id)")
            }
        }
    }

    /// Ant-v5's lagging terms from what its steps captured (``Simulation/step(control:laggingXpos:contactForces:)``,
    /// checked against the plain physics step above): the forward term is the displacement of the torso's captured
    /// body position (the start state's after a reset), the contact entries are the captured forces of bodies 1–13
    /// clipped to ±1, the contact term 0.0005·Σ clip(cfrc_ext)², and the reward (forward + alive) − (control +
    /// contact) exactly, Gymnasium's grouping.
    @Test func antV5LaggingTermsAndItsRewardsGrouping() throws {
        let env = try #require(try Models.environment(.antV5) as? AntV5)
        var rng = SplitMix64(seed: 14)
        var (episodes, touching) = (0, 0)
        while episodes < 6 {
            _ = env.reset(using: &rng)
            var before = env.simulation.bodyPosition(1).x
            episodes += 1
            for _ in 0..<200 {
                let result = try env.step(randomAction(8, &rng))
                let terms = result.terms
                #expect(terms.forward == (env.laggingXpos[3] - before) / env.spec.dt)
                before = env.laggingXpos[3]
                let clipped = env.contactForces.map { min(max($0, -1), 1) }
                #expect(Array(result.observation[27...]) == Array(clipped[6...]))
                #expect(clipped[0..<6].allSatisfy { $0 == 0 })
                #expect(-terms.contact == 5e-4 * GymnasiumV5.squaredSum(clipped))
                #expect(result.reward == (terms.forward + terms.alive) - (-terms.control + -terms.contact))
                if clipped[6...].contains(where: { $0 != 0 }) { touching += 1 }
                if result.end != .running { break }
            }
        }
        #expect(touching > 50)
    }

    /// Reacher-v5's observation: cos and sin of the arm's angles, the target's position, the arm's velocities, and
    /// fingertip − target of the body positions (after a reset, those of the current state).
    @Test func reacherV5ObservationLayout() throws {
        let env = try Models.environment(.reacherV5)
        let model = try Models.model(.reacherV5)
        let (tip, target) = (try #require(model.bodyID("fingertip")), try #require(model.bodyID("target")))
        var rng = SplitMix64(seed: 6)
        for _ in 0..<20 {
            let o = env.reset(using: &rng)
            let (q, v) = (env.simulation.qpos, env.simulation.qvel)
            let offset = env.simulation.bodyPosition(tip) - env.simulation.bodyPosition(target)
            let angles: [Double] = [cos(q[0]), cos(q[1]), sin(q[0]), sin(q[1])]
            let expected: [Double] = angles + [q[2], q[3], v[0], v[1], offset.x, offset.y]
            #expect(o == expected)
            #expect(offset.z == 0)
            for _ in 0..<10 {
                let next = try env.step(randomAction(2, &rng)).observation
                let (q, v) = (env.simulation.qpos, env.simulation.qvel)
                let angles: [Double] = [cos(q[0]), cos(q[1]), sin(q[0]), sin(q[1])]
                let expected: [Double] = angles + [q[2], q[3], v[0], v[1]]
                #expect(Array(next[0..<8]) == expected)
            }
        }
    }

    /// reward = terms.total; forward = Δx/dt from qpos[0]; control = −w·Σa² on the action as given (beyond ±1
    /// here, so the clip of the applied control does not reach the cost); alive = 1 exactly while not terminated.
    @Test(arguments: [EnvironmentID.halfCheetahV5, .hopperV5, .walker2dV5, .antV5, .swimmerV5, .reacherV5])
    func rewardTerms(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let weight = try #require(Self.controlCost[id])
        var beyond = 0, touching = 0
        for step in try Self.steps(id, count: 400, seed: 8) {
            let terms = step.result.terms
            #expect(step.result.reward == terms.total)
            let squares = step.action.reduce(0) { $0 + $1 * $1 }
            #expect(abs(terms.control + weight * squares) <= 1e-12 * max(1, weight * squares))
            if step.action.contains(where: { abs($0) > 1 }) { beyond += 1 }
            switch id {
            case .halfCheetahV5, .hopperV5, .walker2dV5, .swimmerV5:
                #expect(terms.forward == (step.qpos[0] - step.qposBefore[0]) / env.spec.dt)
            default: break
            }
            if id == .hopperV5 || id == .walker2dV5 || id == .antV5 {
                #expect(terms.alive == (step.result.end == .running ? 1 : 0))
            } else {
                #expect(terms.alive == 0 && step.result.end == .running)
            }
            if id == .antV5 {
                #expect(terms.contact <= 0)
                if terms.contact < 0 { touching += 1 }
            } else {
                #expect(terms.contact == 0)
            }
        }
        #expect(beyond > 100)
        #expect(id != .antV5 || touching > 100)
    }

    /// Termination: Hopper-v5 strict 0.7 < z, |angle| < 0.2, state entries in (−100, 100); Walker2d-v5
    /// 0.8 < z < 2, |angle| < 1; Ant-v5 0.2 ≤ z ≤ 1 — checked on the state after each step.
    @Test(arguments: [EnvironmentID.hopperV5, .walker2dV5, .antV5])
    func terminationRules(_ id: EnvironmentID) throws {
        var ended = 0
        for step in try Self.steps(id, count: 2_000, seed: 12) {
            let (qpos, qvel) = (step.qpos, step.qvel)
            let healthy: Bool
            switch id {
            case .hopperV5:
                healthy =
                    qpos[1] > 0.7 && abs(qpos[2]) < 0.2 && (qpos[2...] + qvel).allSatisfy { abs($0) < 100 }
            case .walker2dV5: healthy = qpos[1] > 0.8 && qpos[1] < 2 && abs(qpos[2]) < 1
            default: healthy = (0.2...1.0).contains(qpos[2]) && (qpos + qvel).allSatisfy(\.isFinite)
            }
            #expect((step.result.end == .running) == healthy)
            if !healthy { ended += 1 }
        }
        #expect(ended >= 5)
    }

    /// Resets: uniform noise within its scale around qpos0 (Gaussian 0.1 on qvel for HalfCheetah and Ant);
    /// Reacher's goal inside the disc of radius 0.2 with zero target velocity.
    @Test(arguments: EnvironmentID.gymnasiumTasks)
    func resets(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let qpos0 = try Models.model(id).qpos0
        let scale: (qpos: Double, qvel: Double?) =
            switch id {
            case .halfCheetahV5, .antV5: (0.1, nil)
            case .hopperV5, .walker2dV5: (0.005, 0.005)
            case .swimmerV5: (0.1, 0.1)
            default: (0.1, 0.005)
            }
        var rng = SplitMix64(seed: 4)
        var largest = 0.0
        for _ in 0..<200 {
            _ = env.reset(using: &rng)
            let qpos = env.simulation.qpos, qvel = env.simulation.qvel
            // Ant-v5's quaternion gets its noise too, and the forward pass then normalizes it
            let noisy = id == .reacherV5 ? [0, 1] : id == .antV5 ? [0, 1, 2] + Array(7..<15) : Array(0..<qpos.count)
            if id == .antV5 {
                let norm: Double = (3..<7).reduce(0.0) { $0 + qpos[$1] * qpos[$1] }
                #expect(abs(norm - 1) < 1e-12)
            }
            for i in noisy {
                #expect(abs(qpos[i] - qpos0[i]) <= scale.qpos)
                largest = max(largest, abs(qpos[i] - qpos0[i]))
            }
            if let limit = scale.qvel {
                for i in 0..<(id == .reacherV5 ? 2 : qvel.count) { #expect(abs(qvel[i]) <= limit) }
            }
            if id == .reacherV5 {
                #expect((qpos[2] * qpos[2] + qpos[3] * qpos[3]).squareRoot() < 0.2)
                #expect(qvel[2] == 0 && qvel[3] == 0)
            }
        }
        #expect(largest > 0.9 * scale.qpos)  // the noise spans its range
    }

    /// Model reward on real transitions: the real reward, but for the forward term (the observed end-of-step x
    /// velocity for the displacement) and, for Hopper-v5, healthy tests the observation cannot make (its velocities
    /// are clipped); Reacher-v5's exactly, Ant-v5's contact cost exactly from the observed forces.
    @Test(arguments: EnvironmentID.gymnasiumTasks)
    func modelRewardDiffersOnlyByTheForwardTerm(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let steps = try Self.steps(id, count: 500, seed: 21)
        let model = env.modelRewards(
            observations: steps.flatMap(\.observation), actions: steps.flatMap(\.action),
            nextObservations: steps.flatMap(\.result.observation))
        let dones = env.modelDones(nextObservations: steps.flatMap(\.result.observation))
        for (t, step) in steps.enumerated() {
            #expect(dones[t] == (step.result.end == .terminated))
            if id == .reacherV5 {
                #expect(model[t] == step.result.reward)
                continue
            }
            let velocity = step.result.observation[try #require(Self.velocityIndex[id])]
            let expected = step.result.reward + (velocity - step.result.terms.forward)
            #expect(abs(model[t] - expected) <= 1e-12 * max(1, abs(expected)))
        }
    }

    /// The lagging capture leaves the state as the plain step does, and its body positions are those the last
    /// physics step computed: on an explicit-Euler model, the twin simulation's positions after bare physics steps
    /// without the trailing forward pass.
    @Test func laggingCaptureIsWhatThePhysicsStepLeft() throws {
        let model = try Models.model(.halfCheetahV5)
        let captured = try Simulation(model: model, frameSkip: 5), twin = try Simulation(model: model, frameSkip: 5)
        // a step reuses the last forward pass; the twin follows the plain sequence (a forward pass also leaves the
        // solver's warm start, so the two must run the same passes)
        try captured.forward()
        try twin.forward()
        var rng = SplitMix64(seed: 2)
        var xpos = [Double](repeating: 0, count: 3 * model.nbody)
        var forces = [Double](repeating: 0, count: 6 * model.nbody)
        for _ in 0..<50 {
            let control = (0..<model.nu).map { _ in rng.nextUniform(-1, 1) }
            let status = control.withUnsafeBufferPointer { c in
                xpos.withUnsafeMutableBufferPointer { x in
                    forces.withUnsafeMutableBufferPointer { f in
                        captured.step(control: c, laggingXpos: x, contactForces: f)
                    }
                }
            }
            #expect(status == .ok)
            for i in 0..<model.nu { twin.ctrl[i] = control[i] }
            #expect(twin.rawSteps(5) == .ok)
            for body in 0..<model.nbody {
                let p = twin.bodyPosition(body)
                #expect(SIMD3(xpos[3 * body], xpos[3 * body + 1], xpos[3 * body + 2]) == p)
            }
            try twin.forward()
            #expect(Array(captured.qpos) == Array(twin.qpos) && Array(captured.qvel) == Array(twin.qvel))
        }
    }

    /// An ant left standing settles; the contact forces then carry its weight: the vertical components of the
    /// bodies' external forces add up to m·g.
    @Test func antContactForcesCarryItsWeight() throws {
        let model = try Models.model(.antV5)
        let simulation = try Simulation(model: model, frameSkip: 5)
        var xpos = [Double](repeating: 0, count: 3 * model.nbody)
        var forces = [Double](repeating: 0, count: 6 * model.nbody)
        let zero = [Double](repeating: 0, count: model.nu)
        try simulation.forward()
        for _ in 0..<200 {
            let status = zero.withUnsafeBufferPointer { c in
                xpos.withUnsafeMutableBufferPointer { x in
                    forces.withUnsafeMutableBufferPointer { f in
                        simulation.step(control: c, laggingXpos: x, contactForces: f)
                    }
                }
            }
            #expect(status == .ok)
        }
        #expect(forces[0..<6].allSatisfy { $0 == 0 })  // the world body
        let vertical = (1..<model.nbody).reduce(0.0) { $0 + forces[6 * $1 + 5] }
        let weight = model.totalMass * 9.81
        #expect(abs(vertical - weight) < 0.01 * weight)
    }

    /// NumPy's order: from 0 in sequence below 8 entries, else eight interleaved partial sums added pairwise and the
    /// remainder in sequence. With squares 2⁵⁴ and ones (the spacing of doubles at 2⁵⁴ is 4) the orders differ: in
    /// sequence every 1 is lost; pairwise the ones add up to 4 first.
    @Test func squaredSumAddsInNumPysOrder() {
        let big = Double(1 << 27)  // squared: 2⁵⁴
        #expect(GymnasiumV5.squaredSum([big, 1, 1]) == 0x1p54)
        let eight = [big] + [Double](repeating: 1, count: 7)
        #expect(GymnasiumV5.squaredSum(eight) == 0x1p54 + 4)
        #expect(eight.reduce(0) { $0 + $1 * $1 } == 0x1p54)
        // a remainder after the group of eight is added in sequence: 2⁵⁴ + 4 + 1 + 1 rounds back to 2⁵⁴ + 4
        #expect(GymnasiumV5.squaredSum(eight + [1, 1]) == 0x1p54 + 4)
        // a second group of eight joins the partial sums first (2⁵⁵, then seven 2s); pairwise, 2⁵⁵ + 2 and then
        // + 4 round back to 2⁵⁵ (spacing 8, ties to even) and the last 8 survives (values checked with NumPy 2.4)
        #expect(GymnasiumV5.squaredSum(eight + eight) == 0x1p55 + 8)
    }
}
