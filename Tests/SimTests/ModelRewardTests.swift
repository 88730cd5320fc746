import Core
import Sim
import Testing

/// The model reward/done functions (applied to predicted transitions in imagined rollouts) against the real ones.
@Suite struct ModelRewardTests {
    /// Index of the x velocity in the observation, for the environments whose reward has a forward term.
    static let velocityIndex: [EnvironmentID: Int] = [.halfCheetah: 8, .ant: 13, .walker2d: 8, .hopper: 5, .swimmer: 3]
    /// Control cost coefficients of the model reward (applied to the raw action; PR2's includes its 1/3² scale).
    static let modelControlCost: [EnvironmentID: Double] = [
        .halfCheetah: 0.1, .ant: 0.005, .walker2d: 0.001, .hopper: 0.001, .swimmer: 1e-4, .pr2: 0.005 / 9,
    ]

    struct Transition {
        var observation: [Double], action: [Double], next: [Double], result: StepResult
        var velocityBefore: Double, velocityAfter: Double
    }

    static func transitions(_ id: EnvironmentID, steps: Int, seed: UInt64) throws -> [Transition] {
        let env = try Models.environment(id)
        var rng = SplitMix64(seed: seed)
        var observation = env.reset(using: &rng)
        var result: [Transition] = []
        var length = 0
        for _ in 0..<steps {
            let action = randomAction(env.spec.actionSize, &rng)
            let velocityBefore = env.simulation.qvel[0]
            let step = try env.step(action)
            result.append(
                Transition(
                    observation: observation, action: action, next: step.observation, result: step,
                    velocityBefore: velocityBefore, velocityAfter: env.simulation.qvel[0]))
            observation = step.observation
            length += 1
            if step.end != .running || length == env.spec.horizon {
                observation = env.reset(using: &rng)
                length = 0
            }
        }
        return result
    }

    /// model − real = (v' − forward) + (real control − model control) + (model distance − real distance), exactly
    /// up to rounding: the two rewards differ only in the terms the specification says they differ in.
    @Test(arguments: EnvironmentID.paperTasks)
    func modelRewardDiffersOnlyByDocumentedTerms(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        let data = try Self.transitions(id, steps: 600, seed: 21)
        let model = env.modelRewards(
            observations: data.flatMap(\.observation), actions: data.flatMap(\.action),
            nextObservations: data.flatMap(\.next))
        for (t, transition) in data.enumerated() where transition.result.end == .running {
            let terms = transition.result.terms
            #expect(abs(transition.result.reward) < 1000)  // no clip active in this data
            let velocity = Self.velocityIndex[id].map { transition.next[$0] } ?? 0
            let modelControl = -(Self.modelControlCost[id] ?? 0) * transition.action.reduce(0) { $0 + $1 * $1 }
            let modelDistance = id == .pr2 ? -transition.next[14...16].reduce(0) { $0 + $1 * $1 } : 0
            let expected =
                transition.result.reward + (velocity - terms.forward) + (modelControl - terms.control)
                + (modelDistance - terms.distance)
            #expect(abs(model[t] - expected) <= 1e-9 * max(1, abs(expected)))
        }
    }

    /// Semi-implicit Euler with one physics step per env step moves x by exactly dt · v_end, so for HalfCheetah the
    /// displacement velocity equals the observed end-of-step velocity up to rounding; for PR2 the model's
    /// post-step distance of step t is the real pre-step distance of step t + 1.
    @Test func eulerEnvironmentsAgreeExactly() throws {
        for transition in try Self.transitions(.halfCheetah, steps: 400, seed: 4) {
            // rounding of Δx (|x| ≲ 10 m) divided by dt = 0.01 stays far below 1e-9
            #expect(abs(transition.result.terms.forward - transition.next[8]) < 1e-9)
        }
        let pr2 = try Self.transitions(.pr2, steps: 199, seed: 4)
        for t in 0..<(pr2.count - 1) {
            let modelDistance = -pr2[t].next[14...16].reduce(0) { $0 + $1 * $1 }
            #expect(modelDistance == pr2[t + 1].result.terms.distance)
        }
    }

    /// With RK4 or several physics steps per env step, Δx/dt is the velocity averaged over the step while the model
    /// reads the end velocity: the gap is bounded by how much the velocity changed during the step (plus a small
    /// allowance for non-monotone changes inside it), and small on average.
    @Test(arguments: [EnvironmentID.walker2d, .hopper, .swimmer])
    func averagedVelocityStaysCloseToEndVelocity(_ id: EnvironmentID) throws {
        let data = try Self.transitions(id, steps: 600, seed: 8)
        var totalGap = 0.0, totalSpeed = 0.0
        for transition in data where transition.result.end == .running {
            let gap = abs(transition.result.terms.forward - transition.velocityAfter)
            #expect(gap <= abs(transition.velocityAfter - transition.velocityBefore) + 0.1)
            totalGap += gap
            totalSpeed += abs(transition.velocityAfter)
        }
        #expect(totalGap < 0.25 * totalSpeed)
    }

    /// The model done function on the real next observations reproduces the real terminations.
    @Test(arguments: [EnvironmentID.ant, .walker2d, .hopper])
    func doneFunctionMatchesRealTerminations(_ id: EnvironmentID) throws {
        let env = try Models.environment(id)
        var data = try Self.transitions(id, steps: 800, seed: 17)
        if id == .ant {
            // random actions rarely topple the ant: also start some episodes too high, which ends them at once
            let sim = env.simulation
            var rng = SplitMix64(seed: 1)
            for height in [1.3, 1.1, 0.9, 0.5] {
                _ = env.reset(using: &rng)
                var qpos = Array(sim.qpos)
                qpos[2] = height
                try sim.setState(qpos: qpos, qvel: Array(sim.qvel))
                let step = try env.step(randomAction(8, &rng))
                data.append(
                    Transition(
                        observation: [], action: [], next: step.observation, result: step,
                        velocityBefore: 0, velocityAfter: 0))
            }
        }
        let dones = env.modelDones(nextObservations: data.flatMap(\.next))
        var terminations = 0
        for (t, transition) in data.enumerated() {
            #expect(dones[t] == (transition.result.end == .terminated))
            if transition.result.end == .terminated { terminations += 1 }
        }
        #expect(terminations >= 2)
        #expect(terminations < data.count)
    }

    @Test(arguments: [EnvironmentID.halfCheetah, .swimmer, .pr2])
    func nonTerminatingEnvironmentsNeverEnd(_ id: EnvironmentID) throws {
        let data = try Self.transitions(id, steps: 300, seed: 2)
        #expect(data.allSatisfy { $0.result.end == .running })
        #expect(try Models.environment(id).modelDones(nextObservations: data.flatMap(\.next)).allSatisfy { !$0 })
    }
}
