import Core
import Testing

@Suite struct PointMassTests {
    @Test func modelRewardEqualsRealRewardForEveryStep() throws {
        let env = PointMass()
        var rng = SplitMix64(seed: 3)
        var observation = env.reset(using: &rng)
        for _ in 0..<60 {
            let action = [rng.nextUniform(-1.5, 1.5), rng.nextUniform(-1.5, 1.5)]  // unclipped actions too
            let result = try env.step(action)
            #expect(result.reward == result.terms.total && result.reward == result.terms.sum)
            let model = env.modelRewards(
                observations: observation, actions: action,
                nextObservations: result.observation)
            #expect(model == [result.reward])
            #expect(env.modelDones(nextObservations: result.observation) == [false])
            observation = result.observation
        }
    }

    @Test func dynamicsFollowTheDocumentedEquations() throws {
        var config = PointMass.Config()
        config.goal = [0.5, -0.5]
        let env = PointMass(config: config)
        var rng = SplitMix64(seed: 1)
        let o = env.reset(using: &rng)
        #expect(o[2] == 0 && o[3] == 0 && o[4] == 0.5 - o[0] && o[5] == -0.5 - o[1])
        let r = try env.step([2.0, -0.4])  // x force clipped to 1
        let vx = 0.1 * 1.0, vy = 0.1 * -0.4
        #expect(abs(r.observation[2] - vx) < 1e-15 && abs(r.observation[3] - vy) < 1e-15)
        #expect(abs(r.observation[0] - (o[0] + 0.1 * vx)) < 1e-15)
        #expect(abs(r.observation[4] + r.observation[0] - 0.5) < 1e-15)
        let distance = (r.observation[4] * r.observation[4] + r.observation[5] * r.observation[5]).squareRoot()
        #expect(abs(r.reward - (-distance - 0.01 * (4.0 + 0.16))) < 1e-15)
    }

    @Test func sameSeedGivesIdenticalEpisodes() throws {
        func episode(seed: UInt64) throws -> [Double] {
            let env = PointMass()
            var rng = SplitMix64(seed: seed)
            var out = env.reset(using: &rng)
            for t in 0..<20 { out += try env.step([sin(Double(t)), 0.3]).observation }
            return out
        }
        #expect(try episode(seed: 5) == episode(seed: 5))
        #expect(try episode(seed: 5) != episode(seed: 6))
    }

    @Test func rejectsMalformedActions() {
        let env = PointMass()
        var rng = SplitMix64(seed: 1)
        _ = env.reset(using: &rng)
        #expect(throws: EnvironmentError.wrongActionLength(expected: 2, got: 1)) { try env.step([0]) }
        #expect(throws: EnvironmentError.nonFiniteAction(index: 1, value: .infinity)) { try env.step([0, .infinity]) }
    }
}

private func sin(_ x: Double) -> Double {
    // a smooth deterministic action signal without Foundation
    let y = x.truncatingRemainder(dividingBy: 6.283185307179586)
    return y - y * y * y / 6 + y * y * y * y * y / 120
}
