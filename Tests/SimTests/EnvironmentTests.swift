import Core
import Sim
import Testing

/// Loads each model once per test process.
enum Models {
    static let cache: [EnvironmentID: MuJoCoModel] = {
        var result: [EnvironmentID: MuJoCoModel] = [:]
        for id in EnvironmentID.allCases { result[id] = try? id.loadModel() }
        return result
    }()

    static func model(_ id: EnvironmentID) throws -> MuJoCoModel {
        try #require(cache[id], "model \(id.modelFile) did not load")
    }

    static func environment(_ id: EnvironmentID) throws -> any MuJoCoEnvironment {
        try id.make(model: model(id))
    }
}

/// Uniform random actions in [-1.2, 1.2] (beyond the bounds, so clipping is exercised).
func randomAction(_ size: Int, _ rng: inout SplitMix64) -> [Double] {
    (0..<size).map { _ in rng.nextUniform(-1.2, 1.2) }
}

@Suite struct EnvironmentResetTests {
    /// Episodes started with the light reset (state only) must be bit-identical to episodes started after a full
    /// mj_resetData, even though the light reset leaves the previous episodes' derived quantities in the buffer.
    @Test(arguments: EnvironmentID.allCases)
    func lightResetGivesTheSameEpisodesAsFullReset(_ id: EnvironmentID) throws {
        let light = try Models.environment(id), full = try Models.environment(id)
        var lightRNG = SplitMix64(seed: 5), fullRNG = SplitMix64(seed: 5)
        var actionRNG = SplitMix64(seed: 6)
        var steps = 0
        for _ in 0..<12 {
            let lightStart = light.reset(using: &lightRNG)
            try full.simulation.resetData()
            let fullStart = full.reset(using: &fullRNG)
            #expect(lightStart == fullStart)
            let bodies = try Models.model(id).nbody
            #expect((0..<bodies).allSatisfy { light.simulation.bodyPosition($0) == full.simulation.bodyPosition($0) })
            #expect(light.simulation.time == full.simulation.time)
            for _ in 0..<60 {
                let action = randomAction(light.spec.actionSize, &actionRNG)
                let a = try light.step(action), b = try full.step(action)
                #expect(a.observation == b.observation)
                #expect(a.reward.bitPattern == b.reward.bitPattern)
                #expect(a.end == b.end)
                steps += 1
                if a.end != .running { break }
            }
        }
        #expect(steps >= 12 * 5)
    }
}

@Suite struct EnvironmentStepTests {
    /// The fast step (reusing the previous forward pass) must be bit-identical to frame-skip mj_step + mj_forward.
    @Test(arguments: EnvironmentID.allCases)
    func fastStepIsBitIdenticalToPlainSequence(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let reference = try Simulation(model: Models.model(id), frameSkip: env.simulation.frameSkip)
        var rng = SplitMix64(seed: 11)
        _ = env.reset(using: &rng)
        try reference.setState(qpos: Array(env.simulation.qpos), qvel: Array(env.simulation.qvel))
        for _ in 0..<400 {
            _ = try env.step(randomAction(env.spec.actionSize, &rng))
            let status = env.appliedAction.withUnsafeBufferPointer { reference.referenceStep(control: $0) }
            #expect(status == .ok)
            #expect(Array(env.simulation.qpos) == Array(reference.qpos))
            #expect(Array(env.simulation.qvel) == Array(reference.qvel))
        }
    }

    /// reward == terms.total exactly, and the forward term is Δx/dt (or qvel[0] after the step for Ant).
    @Test(arguments: EnvironmentID.allCases)
    func rewardEqualsItsTerms(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        var rng = SplitMix64(seed: 5)
        _ = env.reset(using: &rng)
        for _ in 0..<150 {
            let xBefore = env.simulation.qpos[0]
            let action = randomAction(env.spec.actionSize, &rng)
            let result = try env.step(action)
            #expect(result.reward == result.terms.total)
            let applied = env.appliedAction
            let lower = env.spec.actionLower, upper = env.spec.actionUpper
            for i in 0..<action.count {
                #expect(applied[i] >= lower[i] && applied[i] <= upper[i])
            }
            switch id {
            case .halfCheetah, .walker2d, .hopper, .swimmer:
                #expect(result.terms.forward == (env.simulation.qpos[0] - xBefore) / env.spec.dt)
            case .halfCheetahV5, .hopperV5, .walker2dV5, .swimmerV5:
                #expect(result.terms.forward == (env.simulation.qpos[0] - xBefore) / env.spec.dt)
            case .ant:
                #expect(result.terms.forward == env.simulation.qvel[0])
            case .antV5:
                break  // the lagging torso position (GymnasiumTaskTests)
            case .pr2, .reacherV5:
                #expect(result.terms.forward == 0)
            }
            if result.end != .running { _ = env.reset(using: &rng) }
        }
    }

    /// Every observation entry equals the state value it claims to be (Gymnasium's tasks: GymnasiumTaskTests).
    @Test(arguments: EnvironmentID.paperTasks)
    func observationLayout(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        var rng = SplitMix64(seed: 3)
        var observation = env.reset(using: &rng)
        for step in 0..<60 {
            if step > 0 { observation = try env.step(randomAction(env.spec.actionSize, &rng)).observation }
            #expect(observation.count == env.spec.observationSize)
            let qpos = Array(env.simulation.qpos), qvel = Array(env.simulation.qvel)
            let clip10 = { (v: Double) in min(max(v, -10), 10) }
            let expected: [Double]
            switch id {
            case .halfCheetah: expected = Array(qpos[1...8]) + qvel
            case .ant: expected = Array(qpos[2...14]) + qvel
            case .walker2d: expected = Array(qpos[1...8]) + qvel.map(clip10)
            case .hopper: expected = Array(qpos[1...5]) + qvel.map(clip10)
            case .swimmer: expected = Array(qpos[2...4]) + qvel
            case .halfCheetahV5, .hopperV5, .walker2dV5, .antV5, .swimmerV5, .reacherV5:
                Issue.record("not a paper task")
                return
            case .pr2:
                let pr2 = try #require(env as? PR2Reacher)
                let model = try Models.model(.pr2)
                let tip = env.simulation.sitePosition(try #require(model.siteID("tip")))
                let goal = SIMD3(qpos[7], qpos[8], qpos[9])
                #expect(pr2.goal == goal)
                expected = Array(qpos[0...6]) + Array(qvel[0...6]) + [goal.x - tip.x, goal.y - tip.y, goal.z - tip.z]
            }
            #expect(observation == expected)
        }
    }

    /// Resets draw Gaussian noise around the start pose; PR2 draws goals inside its box with zero target velocity.
    @Test(arguments: EnvironmentID.paperTasks)
    func resetDistribution(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let model = try Models.model(id)
        let start = model.numeric("init_qpos") ?? model.qpos0
        var rng = SplitMix64(seed: 9)
        var sumSquares = 0.0, count = 0.0
        for _ in 0..<200 {
            _ = env.reset(using: &rng)
            let qpos = env.simulation.qpos, qvel = env.simulation.qvel
            for i in 0..<(id == .pr2 ? 7 : model.nq) {
                sumSquares += (qpos[i] - start[i]) * (qpos[i] - start[i])
                count += 1
            }
            if id == .pr2 {
                #expect(
                    (0.4...0.6).contains(qpos[7]) && (0.25...0.75).contains(qpos[8])
                        && (0.6...1.0).contains(qpos[9]))
                #expect(qvel[7] == 0 && qvel[8] == 0 && qvel[9] == 0)
            }
        }
        // the sample std of the qpos noise is 0.01 within 10 % (hundreds of draws per environment)
        let std = (sumSquares / count).squareRoot()
        #expect(abs(std - 0.01) < 0.001)
    }

    @Test func specsMatchThePaper() throws {
        let expected: [EnvironmentID: (obs: Int, act: Int, dt: Double)] = [
            .halfCheetah: (17, 6, 0.01), .ant: (27, 8, 0.02), .walker2d: (17, 6, 0.008),
            .hopper: (11, 3, 0.008), .swimmer: (8, 2, 0.01), .pr2: (17, 7, 0.05),
        ]
        for id in EnvironmentID.paperTasks {
            let spec = try Models.environment(id).spec
            let (obs, act, dt) = try #require(expected[id])
            #expect(spec.observationSize == obs && spec.actionSize == act)
            #expect(abs(spec.dt - dt) < 1e-12)
            #expect(spec.horizon == 200)
        }
    }

    /// The original repository's final hopper/walker2d timing (0.004 s × 5 = 0.02 s) through the overrides: the
    /// spec's dt, the simulated time per step and the forward reward's divisor all follow; the defaults stay.
    @Test(arguments: [EnvironmentID.hopper, .walker2d])
    func timingOverridesChangeDt(_ id: EnvironmentID) throws {
        let env = try id.make(timestep: 0.004, frameSkip: 5)
        #expect(env.spec.dt == 0.004 * 5)
        #expect(env.simulation.frameSkip == 5)
        var rng = SplitMix64(seed: 3)
        _ = env.reset(using: &rng)
        let xBefore = env.simulation.qpos[0]
        let result = try env.step(randomAction(env.spec.actionSize, &rng))
        #expect(abs(env.simulation.time - 0.02) < 1e-12)
        #expect(result.terms.forward == (env.simulation.qpos[0] - xBefore) / 0.02)
        let standard = try id.make()
        #expect(standard.spec.dt == 0.002 * 4)
        #expect(id.defaultFrameSkip == 4)
    }

    @Test func invalidTimestepIsAModelError() throws {
        for bad in [0.0, -0.01, Double.nan, .infinity] {
            #expect(throws: SimError.self) { _ = try EnvironmentID.hopper.loadModel(timestep: bad) }
        }
    }
}
