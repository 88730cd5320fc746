import Core
import Sim
import Testing
import _TestSupport

/// Real-environment sampling split over ranks: each rank steps its own environments and every rank returns what
/// one process returns, bit for bit.
@Suite struct SplitSamplerTests {
    struct Outcome: Equatable {
        var batches: [[Trajectory]] = []
        var steps: [Int] = []
        var generators: [SplitMix64] = []
    }

    /// Two consecutive batches (so that the second starts from the generator states the first left on every rank),
    /// with `environments` wrapped by `wrap`.
    static func outcome(
        _ id: EnvironmentID, communicator: any Communicator, count: Int = 5, threads: Int = 1, stops: [StopRule],
        wrap: (Int, any Environment) -> any Environment = { $1 }
    ) throws -> Outcome {
        let sampler = try Self.sampler(id, communicator: communicator, count: count, threads: threads, wrap: wrap)
        var rng = SplitMix64(seed: 99)
        var outcome = Outcome()
        for stop in stops {
            outcome.batches.append(
                try withUnsafeMutablePointer(to: &rng) { pointer in
                    try sampler.sample(horizon: 40, stop: stop, policy: uniformRandomPolicy(using: pointer))
                })
            outcome.steps.append(sampler.stepsTaken)
        }
        outcome.generators = sampler.generatorStates
        return outcome
    }

    static func sampler(
        _ id: EnvironmentID, communicator: any Communicator, count: Int = 5, threads: Int = 1,
        wrap: (Int, any Environment) -> any Environment
    ) throws -> VectorSampler {
        let model = try Models.model(id)
        let environments = try (0..<count).map { wrap($0, try id.make(model: model)) }
        let sampler = VectorSampler(environments: environments, seed: 11, threads: threads)
        sampler.communicator = communicator
        return sampler
    }

    struct PolicyFailure: Error, CustomStringConvertible {
        var description: String { "the policy failed" }
    }

    /// Hopper with environment 3 throwing at its 7th step (or, with `policyFailsAt`, the policy throwing at that
    /// step): the error's text and the generator states left behind.
    static func failure(
        communicator: any Communicator, policyFailsAt: Int? = nil
    ) throws -> (message: String, generators: [SplitMix64]) {
        let sampler = try Self.sampler(.hopper, communicator: communicator) {
            $0 == 3 && policyFailsAt == nil ? FailingEnvironment(wrapping: $1, failAt: 7) : $1
        }
        var rng = SplitMix64(seed: 99)
        var calls = 0
        do {
            _ = try withUnsafeMutablePointer(to: &rng) { pointer in
                let random = uniformRandomPolicy(using: pointer)
                return try sampler.sample(horizon: 40, stop: .episodes(8)) { observations, actions in
                    calls += 1
                    if calls == policyFailsAt { throw PolicyFailure() }
                    try random(observations, actions)
                }
            }
        } catch {
            return ("\(error)", sampler.generatorStates)
        }
        return ("no error", sampler.generatorStates)
    }

    /// R = 6 over 5 environments leaves a rank without any; hopper's episodes end early at random steps, so
    /// environments restart at different times on different ranks.
    @Test(arguments: [EnvironmentID.hopper, .halfCheetah, .antV5], [2, 3, 6])
    func anyRankCountSamplesAsOneProcess(_ id: EnvironmentID, ranks: Int) throws {
        let stops: [StopRule] = [.episodes(8), .completedSteps(300)]
        let single = try Self.outcome(id, communicator: SingleProcess.shared, threads: 2, stops: stops)
        #expect(single.batches[0].count == 8 && single.batches[1].reduce(0) { $0 + $1.length } >= 300)
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.outcome(id, communicator: communicator, stops: stops) }
        }
        for (rank, outcome) in split.enumerated() {
            #expect(try outcome.get() == single, "rank \(rank) of \(ranks)")
        }
    }

    /// A step that throws on one rank throws on every rank, with the same message, and leaves every rank with the
    /// generator states one process has (the environments that restarted during the batch drew from theirs).
    @Test(arguments: [2, 3])
    func anErrorOnOneRankStopsEveryRank(ranks: Int) throws {
        let single = try Self.failure(communicator: SingleProcess.shared)
        #expect(single.message == "\(EnvironmentError.nonFiniteAction(index: 0, value: .nan))")
        #expect(
            single.generators != (try Self.sampler(.hopper, communicator: SingleProcess.shared) { $1 }.generatorStates))
        let split = InProcessGroup(size: ranks).run { communicator in
            Result { try Self.failure(communicator: communicator) }
        }
        for (rank, outcome) in split.enumerated() {
            let failure = try outcome.get()
            #expect(failure.message == single.message, "rank \(rank) of \(ranks)")
            #expect(failure.generators == single.generators, "rank \(rank) of \(ranks)")
        }
    }

    /// A policy that throws (on every rank, as it sees every row) leaves every rank one process's generators too;
    /// each rank drew only its own environments' first resets, so without the exchange their generators differ.
    @Test func aPolicyErrorLeavesOneProcesssGenerators() throws {
        let single = try Self.failure(communicator: SingleProcess.shared, policyFailsAt: 20)
        #expect(single.message == "the policy failed")
        let split = InProcessGroup(size: 3).run { communicator in
            Result { try Self.failure(communicator: communicator, policyFailsAt: 20) }
        }
        for (rank, outcome) in split.enumerated() {
            let failure = try outcome.get()
            #expect(failure.message == single.message && failure.generators == single.generators, "rank \(rank)")
        }
    }

    /// A diverged episode's reason reaches every rank, and sampling goes on from a fresh reset as in one process.
    @Test func divergenceReasonsReachEveryRank() throws {
        let wrap: (Int, any Environment) -> any Environment = {
            $0 % 2 == 1 ? DivergingEnvironment(wrapping: $1, every: 6 + $0, reason: "env \($0): café ∞") : $1
        }
        let single = try Self.outcome(
            .halfCheetah, communicator: SingleProcess.shared, stops: [.episodes(9)], wrap: wrap)
        let reasons = single.batches[0].compactMap { path -> String? in
            if case .diverged(let reason) = path.end { return reason } else { return nil }
        }
        #expect(reasons.count >= 4 && reasons.contains("env 1: café ∞") && reasons.contains("env 3: café ∞"))
        let split = InProcessGroup(size: 3).run { communicator in
            Result { try Self.outcome(.halfCheetah, communicator: communicator, stops: [.episodes(9)], wrap: wrap) }
        }
        for (rank, outcome) in split.enumerated() { #expect(try outcome.get() == single, "rank \(rank)") }
    }
}

/// Steps with a NaN action at its `failAt`-th step, so that the real environment throws.
final class FailingEnvironment: WrappedEnvironment {
    let failAt: Int
    var steps = 0
    init(wrapping inner: any Environment, failAt: Int) {
        self.failAt = failAt
        super.init(wrapping: inner)
    }
    override func step(_ action: [Double]) throws -> StepResult {
        steps += 1
        return try inner.step(steps == failAt ? [.nan] + action.dropFirst() : action)
    }
}

/// Reports a divergence with `reason` every `every`-th step of an episode.
final class DivergingEnvironment: WrappedEnvironment {
    let every: Int, reason: String
    var steps = 0
    init(wrapping inner: any Environment, every: Int, reason: String) {
        (self.every, self.reason) = (every, reason)
        super.init(wrapping: inner)
    }
    override func reset(using rng: inout SplitMix64) -> [Double] {
        steps = 0
        return inner.reset(using: &rng)
    }
    override func step(_ action: [Double]) throws -> StepResult {
        var result = try inner.step(action)
        steps += 1
        if steps == every { result.end = .diverged(reason) }
        return result
    }
}
