import Core
import Learner
import Testing

@Suite struct RealDataTests {
    /// A path of length L contributes L − 1 transitions (o_t, a_t, o_{t+1}); its last step is dropped.
    @Test func lastTransitionOfEveryPathIsDropped() {
        func path(_ length: Int, offset: Double) -> Trajectory {
            var t = Trajectory()
            for s in 0..<length {
                t.observations += [offset + Double(s), -(offset + Double(s))]
                t.actions.append(offset + 0.5 + Double(s))
                t.rewards.append(1)
            }
            t.finalObservation = [offset + Double(length), -(offset + Double(length))]
            return t
        }
        let paths = [path(4, offset: 0), path(1, offset: 100), path(3, offset: 200)]
        let data = modelTransitions(from: paths, observationSize: 2, actionSize: 1)
        // 3 + 0 + 2 transitions
        #expect(data.actions == [0.5, 1.5, 2.5, 200.5, 201.5])
        #expect(data.observations == [0, -0, 1, -1, 2, -2, 200, -200, 201, -201])
        #expect(data.nextObservations == [1, -1, 2, -2, 3, -3, 201, -201, 202, -202])
    }

    @Test func iterationLogKeepsOrderAndReplaces() {
        var log = IterationLog()
        log.record("b", 1)
        log.record("a", 2)
        log.record("b", 3)
        log.record(returns: ReturnStatistics([1, 3]), prefix: "EnvTrajs")
        #expect(
            log.keys == [
                "b", "a", "EnvTrajs-AverageReturn", "EnvTrajs-StdReturn", "EnvTrajs-MinReturn",
                "EnvTrajs-MaxReturn", "EnvTrajs-NumTrajs",
            ])
        #expect(log["b"] == 3 && log["EnvTrajs-AverageReturn"] == 2 && log["EnvTrajs-StdReturn"] == 1)
        #expect(log["missing"] == nil)
    }
}
