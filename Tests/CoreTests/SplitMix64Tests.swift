import Core
import Testing

@Suite struct SplitMix64Tests {
    @Test func sameSeedSameSequence() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func knownFirstValue() {
        // SplitMix64 reference value for seed 0 (Vigna's splitmix64.c): 0xE220A8397B1DCDAF
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    }

    /// Skipping n values lands where drawing them does (uniforms 1 value each, Gaussians 2), and the count between
    /// two states comes back exactly, also across the 2⁶⁴ wrap.
    @Test func skipEqualsDrawing() {
        for seed: UInt64 in [0, 9, .max - 3] {
            var drawn = SplitMix64(seed: seed)
            let start = drawn
            for n: UInt64 in [0, 1, 2, 7, 1_000] {
                let before = drawn
                for _ in 0..<n { _ = drawn.next() }
                #expect(before.advanced(by: n) == drawn)
                #expect(drawn.draws(since: before) == n)
            }
            #expect(drawn.draws(since: start) == 1_010)
            var gaussians = drawn, uniforms = drawn
            for _ in 0..<5 { _ = gaussians.nextGaussian() }
            for _ in 0..<5 { _ = uniforms.nextUniform(-1, 1) }
            #expect(drawn.advanced(by: 5 * SplitMix64.drawsPerGaussian) == gaussians)
            #expect(drawn.advanced(by: 5 * SplitMix64.drawsPerUniform) == uniforms)
            var skipped = drawn
            skipped.skip(3)
            var stepped = drawn
            for _ in 0..<3 { _ = stepped.next() }
            #expect(skipped.next() == stepped.next())
        }
        #expect(SplitMix64(seed: 1).advanced(by: .max).draws(since: SplitMix64(seed: 1)) == .max)
    }

    @Test func derivedStreamsDiffer() {
        let base = SplitMix64(seed: 7)
        var s0 = base.derived(stream: 0), s1 = base.derived(stream: 1)
        #expect(s0.next() != s1.next())
        var again = base.derived(stream: 0)
        var s0b = base.derived(stream: 0)
        #expect(again.next() == s0b.next())
    }

    @Test func gaussianMoments() {
        var rng = SplitMix64(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let x = rng.nextGaussian()
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Double(n), variance = sumSquares / Double(n) - mean * mean
        // standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032; 5 sigma bounds
        #expect(abs(mean) < 0.011)
        #expect(abs(variance - 1) < 0.016)
    }

    @Test func uniformRange() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10_000 {
            let u = rng.nextUniform(-2, 5)
            #expect(u >= -2 && u < 5)
        }
    }
}
