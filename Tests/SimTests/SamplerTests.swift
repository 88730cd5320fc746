import Core
import Sim
import Testing

@Suite struct SamplerTests {
    static func sample(
        _ id: EnvironmentID, threads: Int, seed: UInt64, stop: StopRule,
        count: Int = 5
    ) throws -> [Trajectory] {
        let sampler = try VectorSampler(id: id, model: Models.model(id), count: count, seed: seed, threads: threads)
        var rng = SplitMix64(seed: seed ^ 0xABCD)
        return try withUnsafeMutablePointer(to: &rng) { pointer in
            try sampler.sample(horizon: 50, stop: stop, policy: uniformRandomPolicy(using: pointer))
        }
    }

    @Test(arguments: EnvironmentID.allCases)
    func sameSeedSameTrajectoriesForAnyThreadCount(_ id: EnvironmentID) throws {
        let one = try Self.sample(id, threads: 1, seed: 7, stop: .episodes(8))
        let again = try Self.sample(id, threads: 1, seed: 7, stop: .episodes(8))
        let two = try Self.sample(id, threads: 2, seed: 7, stop: .episodes(8))
        let other = try Self.sample(id, threads: 1, seed: 8, stop: .episodes(8))
        #expect(one.count == 8)
        #expect(one == again)
        #expect(one == two)
        #expect(one != other)
    }

    @Test func trajectoryShapesAndStopRules() throws {
        let id = EnvironmentID.hopper
        let paths = try Self.sample(id, threads: 2, seed: 1, stop: .completedSteps(300))
        let total = paths.reduce(0) { $0 + $1.length }
        #expect(total >= 300)
        // stopping happens at the first step where the completed total reaches the target
        #expect(total - paths.last!.length < 300)
        let model = try Models.model(id)
        for path in paths {
            let steps = path.length
            #expect(steps >= 1 && steps <= 50)
            #expect(path.observations.count == steps * 11 && path.actions.count == steps * 3)
            #expect(path.appliedActions.count == steps * 3 && path.finalObservation.count == 11)
            #expect(path.qpos.count == (steps + 1) * model.nq && path.qvel.count == (steps + 1) * model.nv)
            #expect(path.end == .truncated || path.end == .terminated)
            #expect(path.truncated == (steps == 50 && path.end == .truncated))
            // qpos rows replay the observation: obs[0] (height) = qpos[1] of the state before each step
            for t in 0..<steps { #expect(path.observations[t * 11] == path.qpos[t * model.nq + 1]) }
        }
    }
}
