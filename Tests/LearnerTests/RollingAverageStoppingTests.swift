import Learner
import Testing

@Suite("Rolling-average early stopping")
struct RollingAverageStoppingTests {
    @Test("scripted validation losses stop each member at the expected epoch")
    func scriptedLosses() {
        var rule = RollingAverageStopping(members: 4, persistence: 0.99)
        // member 0 improves then jumps above its rolling average (~1.49) at epoch 2
        // member 1 is flat at 1: R decays towards 1 from above and never rises, so it runs to the last epoch
        // member 2 exceeds R₀ = 1.5·0.99 + 0.01 = 1.495 already at epoch 1 (v = 1.6)
        // member 3 falls, then v = 1.2 at epoch 3 stays below R (≈ 1.48) and v = 3 at epoch 4 exceeds it
        let script: [[Double]] = [
            [1.0, 1.0, 1.0, 1.0],
            [0.5, 1.0, 1.6, 0.9],
            [2.0, 1.0, 100, 0.8],
            [0.1, 1.0, 100, 1.2],
            [0.1, 1.0, 100, 3.0],
            [0.1, 1.0, 100, 0.1],
        ]
        for (epoch, losses) in script.enumerated() {
            rule.record(validationLosses: losses, isLastEpoch: epoch == script.count - 1)
        }
        #expect(rule.stoppedAt == [2, 5, 1, 4])
        #expect(rule.allStopped)
    }

    @Test("first epoch: R = ρ·1.5v + (1 − ρ)v and P ← R; a positive first loss never stops a member")
    func firstEpoch() {
        var rule = RollingAverageStopping(members: 2, persistence: 0.99)
        rule.record(validationLosses: [2.0, 0.5], isLastEpoch: false)
        #expect(rule.rolling == [0.99 * 3.0 + 0.01 * 2.0, 0.99 * 0.75 + 0.01 * 0.5])
        #expect(rule.previous == rule.rolling)
        #expect(rule.stoppedAt == [nil, nil])
        #expect(rule.isTraining(0) && rule.isTraining(1))
    }

    @Test("after epoch 0 a member stops exactly when v exceeds its previous rolling average")
    func equivalentRule() {
        var rule = RollingAverageStopping(members: 1, persistence: 0.9)
        rule.record(validationLosses: [1.0], isLastEpoch: false)  // R = 0.9·1.5 + 0.1 = 1.45
        let before = rule.rolling[0]
        rule.record(validationLosses: [before * (1 - 1e-9)], isLastEpoch: false)  // v just below R: R falls
        #expect(rule.isTraining(0))
        #expect(rule.rolling[0] < before)
        rule.record(validationLosses: [rule.rolling[0] * (1 + 1e-9)], isLastEpoch: false)  // just above: R rises
        #expect(rule.stoppedAt == [2])
    }
}
