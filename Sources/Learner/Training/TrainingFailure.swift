/// Training cannot go on: a phase produced no data to learn from, or a quantity that is not finite.
///
/// It is thrown before the iteration it happened in is recorded, so the run folder keeps the previous iteration's
/// results and checkpoint, and no NaN reaches `progress.csv`.
public struct TrainingFailure: Error, Equatable, CustomStringConvertible {
    /// The phase, e.g. `model fit`, `policy update`, `real sampling`.
    public let phase: String
    /// What went wrong, naming the quantity.
    public let problem: String

    public init(phase: String, problem: String) {
        self.phase = phase
        self.problem = problem
    }

    /// `model fit: member 1's validation loss is nan after epoch 3 …`.
    public var description: String { "\(phase): \(problem)" }

    /// Throws unless every entry of `values` is finite, naming the first that is not.
    public static func requireFinite(_ values: [Double], phase: String, quantity: String) throws {
        guard let index = values.firstIndex(where: { !$0.isFinite }) else { return }
        throw TrainingFailure(phase: phase, problem: "\(quantity) entry \(index) is \(values[index])")
    }
}

extension Trainer {
    /// ``runIteration(progress:)``, then a check of what it produced: every value of the progress row and every
    /// policy parameter must be finite (a diverging model or policy step stops the run with the quantity's name).
    public func runCheckedIteration(progress: (String) -> Void) throws -> IterationResult {
        let result = try runIteration(progress: progress)
        for (key, value) in zip(result.log.keys, result.log.values) where !value.isFinite {
            throw TrainingFailure(phase: "iteration \(result.iteration)", problem: "\(key) is \(value)")
        }
        try TrainingFailure.requireFinite(
            context.policy.parameters, phase: "policy update", quantity: "policy parameter")
        return result
    }
}
