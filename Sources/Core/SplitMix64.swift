/// A small, fast, seedable random number generator (SplitMix64, Steele et al. 2014).
///
/// Every component that samples takes one of these as an `inout` argument; nothing in the library draws from a
/// global or system generator. Independent streams for workers or environments come from ``derived(stream:)``,
/// which depends only on the seed and the stream index, so results never depend on thread scheduling.
public struct SplitMix64: RandomNumberGenerator, Codable, Equatable, Sendable {
    /// The full generator state; saving and restoring it resumes the exact sequence.
    public var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Returns the next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The increment each ``next()`` adds to the state (the golden-ratio "gamma" of SplitMix64).
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Values of ``next()`` one ``nextUniform()`` consumes.
    public static let drawsPerUniform: UInt64 = 1
    /// Values of ``next()`` one ``nextGaussian()`` consumes (Box–Muller, no cached spare).
    public static let drawsPerGaussian: UInt64 = 2

    /// Skips `draws` values of ``next()`` in O(1): the state after `draws` calls, without computing them, so that a
    /// worker (or a process) that owns part of a batch can start where a sequential pass would reach it.
    @inlinable
    public mutating func skip(_ draws: UInt64) {
        state &+= Self.increment &* draws
    }

    /// This generator after `draws` values of ``next()`` (see ``skip(_:)``); this one is not advanced.
    @inlinable
    public func advanced(by draws: UInt64) -> SplitMix64 {
        var copy = self
        copy.skip(draws)
        return copy
    }

    /// Values of ``next()`` drawn between `earlier` and this generator, if this one is `earlier` advanced (the
    /// inverse of ``skip(_:)``, modulo 2⁶⁴).
    public func draws(since earlier: SplitMix64) -> UInt64 {
        // the increment is odd, so it has an inverse modulo 2⁶⁴ (Newton's iteration doubles the correct bits)
        var inverse: UInt64 = Self.increment
        for _ in 0..<6 { inverse = inverse &* (2 &- Self.increment &* inverse) }
        return (state &- earlier.state) &* inverse
    }

    /// A generator for stream `stream`, statistically independent of this one and of other streams.
    ///
    /// Equivalent to seeding a new generator with a hash of (state, stream); this generator is not advanced.
    public func derived(stream: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: state ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = mixer.next()
        return SplitMix64(seed: mixer.next())
    }
}

extension RandomNumberGenerator {
    /// A uniform sample in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform sample in [lower, upper).
    @inlinable
    public mutating func nextUniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUniform()
    }

    /// A standard normal sample (Box–Muller; one sample per call, no cached spare, so the state alone determines
    /// the sequence).
    @inlinable
    public mutating func nextGaussian() -> Double {
        // u1 in (0, 1] so that log(u1) is finite
        let u1 = 1.0 - nextUniform()
        let u2 = nextUniform()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// A uniform integer in 0..<upperBound without modulo bias.
    @inlinable
    public mutating func nextIndex(_ upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextIndex needs a positive bound, got \(upperBound)")
        return Int(next(upperBound: UInt64(upperBound)))
    }
}
