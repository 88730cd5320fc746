import Core
import Learner
import Testing

@Suite("Normalization and transition buffer")
struct FeatureNormalizationTests {
    @Test("population statistics and round trip")
    func statisticsAndRoundTrip() {
        // column 0: 1, 2, 3, 4 → μ 2.5, σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; column 1 constant 7 → σ = 0
        let values: [Float] = [1, 7, 2, 7, 3, 7, 4, 7]
        let n = FeatureNormalization(fitting: values, width: 2)
        #expect(n.mean == [2.5, 7])
        #expect(n.standardDeviation == [(1.25 as Double).squareRoot(), 0])
        #expect(n.normalize(4, dimension: 0) == 1.5 / ((1.25 as Double).squareRoot() + 1e-10))
        #expect(n.normalize(7, dimension: 1) == 0)
        for x in [-3.0, 0.25, 4, 1e3] {
            for d in 0..<2 {
                let back = n.denormalize(n.normalize(x, dimension: d), dimension: d)
                #expect(abs(back - x) <= 1e-12 * max(1, abs(x)))
            }
        }
    }

    @Test("buffer stores Δ = o′ − o and drops the oldest rows beyond capacity")
    func fifoBuffer() {
        var buffer = TransitionBuffer(observationSize: 2, actionSize: 1, capacity: 3)
        buffer.append(observations: [0, 0, 1, 1], actions: [10, 11], nextObservations: [0.5, -1, 3, 1])
        #expect(buffer.count == 2)
        #expect(buffer.deltas == [0.5, -1, 2, 0])
        buffer.append(observations: [2, 2, 3, 3], actions: [12, 13], nextObservations: [2, 2, 3, 4])
        #expect(buffer.count == 3)
        #expect(buffer.actions == [11, 12, 13])
        #expect(buffer.observations == [1, 1, 2, 2, 3, 3])
        #expect(buffer.deltas == [2, 0, 0, 0, 0, 1])
    }
}
