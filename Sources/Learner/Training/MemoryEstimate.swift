/// A rough account of the memory a training configuration needs, item by item, so that a configuration far beyond
/// the machine is refused with the figure before anything is allocated (instead of aborting on a failed allocation,
/// or swapping for hours).
///
/// The figures count the large arrays each part holds (per-sample rollout storage, the policy's per-sample
/// activations, the transition buffer and its normalized copy, the ensemble's weights with their Adam moments and
/// workspaces, the MPC candidates); small objects are left out, so the total is a lower bound within a small
/// factor of the true peak, which is what refusing the impossible needs.
public struct MemoryEstimate: Equatable, Sendable {
    /// One part of the run: what it is, the settings that size it, its bytes.
    public struct Item: Equatable, Sendable {
        public let name: String
        public let keys: [String]
        public let bytes: Double
    }

    public let items: [Item]

    /// Sum of the items (bytes).
    public var totalBytes: Double { items.reduce(0) { $0 + $1.bytes } }

    /// The item that needs the most.
    public var largest: Item? { items.max { $0.bytes < $1.bytes } }

    /// The estimate for `config` on a task with these shapes; `simulationBytes` is one real environment's own
    /// simulation state (MuJoCo's `mjData`), `stateSize` its nq + nv.
    public init(config: TrainingConfig, observationSize: Int, actionSize: Int, stateSize: Int, simulationBytes: Int) {
        // Double arithmetic throughout: the products of validated settings can exceed Int's range
        let o = Double(observationSize), a = Double(actionSize), s = Double(stateSize)
        let horizon = Double(config.sampling.horizon)
        let policyHidden = Double(config.policy.hiddenSizes.reduce(0, +))
        let modelHidden = Double(config.dynamics.hiddenSizes.reduce(0, +))
        let widths = [observationSize + actionSize] + config.dynamics.hiddenSizes + [observationSize]
        let modelParameters = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + Double($1.0 + 1) * Double($1.1) }
        let policyWidths = [observationSize] + config.policy.hiddenSizes + [actionSize]
        let policyParameters = zip(policyWidths, policyWidths.dropFirst()).reduce(Double(actionSize)) {
            $0 + Double($1.0 + 1) * Double($1.1)
        }
        var items: [Item] = []

        // real rollouts: per step the observations, raw and applied actions, reward, simulator state, and (for the
        // policy-gradient algorithms) the policy's activations; plus every environment's simulation state
        let environments = Double(config.realEnvironments)
        let realSteps = max(environments * horizon, Double(config.sampling.initialRandomSteps) + environments * horizon)
        let perRealStep = 8 * (2 * o + 3 * a + 2 * s + 4 + 4 * policyHidden)
        items.append(
            Item(
                name: "real rollouts",
                keys: [
                    "sampling.realRolloutsPerTask", "meta.metaBatchSize", "sampling.horizon",
                    "sampling.initialRandomSteps",
                ],
                bytes: realSteps * perRealStep + environments * Double(simulationBytes)))

        if config.algorithm == .ppo {
            let valueHidden = Double(config.ppo.valueHiddenSizes.reduce(0, +))
            let valueWidths = [observationSize] + config.ppo.valueHiddenSizes + [1]
            let valueParameters = zip(valueWidths, valueWidths.dropFirst()).reduce(0.0) {
                $0 + Double($1.0 + 1) * Double($1.1)
            }
            // per sample its activations; the parameters with their gradient and Adam moments
            items.append(
                Item(
                    name: "value network", keys: ["ppo.valueHiddenSizes", "sampling.horizon"],
                    bytes: environments * horizon * 8 * 4 * valueHidden + valueParameters * 8 * 5))
        }

        if config.algorithm == .mbMPO || config.algorithm == .meTRPO {
            // imagined rollouts: the step buffers and paths, then each sample's policy activations for the
            // gradient and curvature products (MB-MPO keeps a pre- and a post-adaptation batch)
            let rows = Double(config.imaginedRows)
            let samples = max(rows * Double(config.sampling.imaginedPathLength), Double(config.sampling.imaginedSteps))
            let batches = config.algorithm == .mbMPO ? 2.0 : 1.0
            let perSample = 8 * (3 * o + 5 * a + 6 + 6 * policyHidden)
            items.append(
                Item(
                    name: "imagined rollouts",
                    keys: [
                        "sampling.imaginedRolloutsPerTask", "meta.metaBatchSize", "sampling.horizon",
                        "sampling.imaginedHorizon", "sampling.imaginedSteps",
                    ],
                    bytes: batches * samples * perSample + rows * 4 * 3 * (modelHidden + 2 * o + a)))
        }

        // the transition buffer, its normalized copy for a fit and each member's permutation of it; it grows with
        // the data, so it never holds more than the run collects (ME-TRPO's capacity of 10⁸ means "keep all")
        let collected =
            Double(config.sampling.initialRandomSteps) + environments * horizon
            + Double(config.plannedIterations) * Double(config.realStepsPerIteration)
        let capacity = min(Double(config.dynamics.bufferCapacity), collected)
        let members = Double(config.dynamics.members)
        items.append(
            Item(
                name: "transition buffer", keys: ["dynamics.bufferCapacity"],
                bytes: capacity * (4 * 2 * (2 * o + a) + 8 * members)))

        // weights, weight-norm parameters, gradients and Adam moments; each member's training workspace for a batch
        let batch = Double(config.dynamics.batchSize)
        items.append(
            Item(
                name: "dynamics ensemble", keys: ["dynamics.members", "dynamics.hiddenSizes", "dynamics.batchSize"],
                bytes: members * modelParameters * 4 * 8 + members * batch * 4 * 4 * modelHidden))

        // θ, each task's adapted θ'_i and the conjugate-gradient vectors
        let tasks = Double(config.meta.metaBatchSize)
        items.append(
            Item(
                name: "policy parameters", keys: ["policy.hiddenSizes", "meta.metaBatchSize"],
                bytes: (tasks + 16) * policyParameters * 8))

        if config.algorithm == .mbMPC {
            let candidates = Double(config.mpc.candidates)
            let planning = Double(config.mpc.planningHorizon)
            items.append(
                Item(
                    name: "MPC candidates", keys: ["mpc.candidates", "mpc.planningHorizon"],
                    bytes: environments * candidates * 8 * (planning * a + 3 * o + modelHidden)))
        }
        self.items = items
    }

    /// "1.2 GB", "640 MB", "3.4 TB" (decimal units).
    public static func text(bytes: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        guard value.isFinite && value < 1_000_000 else { return "\(bytes) bytes" }
        if unit == 0 { return "\(Int(value)) bytes" }
        let shown = value < 10 ? "\((value * 10).rounded() / 10)" : "\(Int(value.rounded()))"
        return "\(shown) \(units[unit])"
    }

    /// Throws ``ConfigurationError`` when the total exceeds `available` bytes, naming the largest item's settings.
    public func check(available: Double) throws {
        guard totalBytes > available, let largest else { return }
        throw ConfigurationError(
            key: largest.keys[0],
            reason: "needs about \(Self.text(bytes: totalBytes)) of memory, this machine has "
                + "\(Self.text(bytes: available)); most of it for the \(largest.name) "
                + "(\(Self.text(bytes: largest.bytes)): \(largest.keys.joined(separator: ", ")))")
    }
}
