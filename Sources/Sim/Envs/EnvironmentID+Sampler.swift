import Core

extension VectorSampler {
    /// `count` environments of task `id` over one shared, read-only `model`, seeded from `seed` (`frameSkip`:
    /// the task's own unless given).
    public convenience init(
        id: EnvironmentID, model: MuJoCoModel, count: Int, seed: UInt64, threads: Int = 1,
        frameSkip: Int? = nil
    ) throws {
        precondition(count >= 1, "need at least one environment, got \(count)")
        self.init(
            environments: try (0..<count).map { _ in try id.make(model: model, frameSkip: frameSkip) },
            seed: seed, threads: threads)
    }
}
