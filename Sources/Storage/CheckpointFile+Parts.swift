import Core
import Learner

extension CheckpointFile {
    // MARK: writing

    static func writeEnsemble(_ ensemble: EnsembleState, _ data: Checksummed) throws {
        try data.put([ensemble.rng.state], at: "rng/ensemble")
        for (k, parameters) in ensemble.parameters.enumerated() {
            let adam = ensemble.optimizers[k]
            try data.put(parameters, at: "ensemble/member-\(k)/parameters")
            try data.put([Int64(adam.step)], at: "ensemble/member-\(k)/adam/step")
            try data.put(adam.firstMoment, at: "ensemble/member-\(k)/adam/first_moment")
            try data.put(adam.secondMoment, at: "ensemble/member-\(k)/adam/second_moment")
        }
        for (name, statistics) in [
            ("observation", ensemble.normalization.observation),
            ("action", ensemble.normalization.action),
            ("delta", ensemble.normalization.delta),
        ] {
            try data.put(statistics.mean, at: "ensemble/normalization/\(name)/mean")
            try data.put(statistics.standardDeviation, at: "ensemble/normalization/\(name)/std")
        }
        let buffer = ensemble.buffer, rows = buffer.count
        try data.put(buffer.observations, shape: [rows, buffer.observationSize], at: "ensemble/buffer/observations")
        try data.put(buffer.actions, shape: [rows, buffer.actionSize], at: "ensemble/buffer/actions")
        try data.put(buffer.deltas, shape: [rows, buffer.observationSize], at: "ensemble/buffer/deltas")
    }

    /// Each array of the algorithm's state at `algorithm/<algorithm>/<name>`.
    static func writeAlgorithm(_ algorithm: AlgorithmState, of name: Algorithm, _ data: Checksummed) throws {
        for (key, array) in algorithm.arrays.sorted(by: { $0.key < $1.key }) {
            try data.put(array.values, shape: array.shape, at: "algorithm/\(name.rawValue)/\(key)")
        }
    }

    static func writeProgress(_ rows: [IterationLog], _ data: Checksummed) throws {
        var columns: [String] = []
        for row in rows { for key in row.keys where !columns.contains(key) { columns.append(key) } }
        var values = [Double](repeating: 0, count: rows.count * columns.count)
        // order[r, c]: position of column c among row r's keys in recording order (−1: absent)
        var order = [Int32](repeating: -1, count: values.count)
        for (r, row) in rows.enumerated() {
            for (position, key) in row.keys.enumerated() {
                guard let c = columns.firstIndex(of: key), let value = row[key] else { continue }
                values[r * columns.count + c] = value
                order[r * columns.count + c] = Int32(position)
            }
        }
        try data.put(strings: columns, at: "progress/columns")
        try data.put(values, shape: [rows.count, columns.count], at: "progress/values")
        try data.put(order, shape: [rows.count, columns.count], at: "progress/order")
    }

    // MARK: reading

    static func readState(_ data: Checksummed, config: TrainingConfig) throws -> TrainingState {
        let counters = try data.get(Int64.self, at: "counters", shape: [3])
        func generator(_ object: String) throws -> SplitMix64 {
            SplitMix64(seed: try data.get(UInt64.self, at: object, shape: [1])[0])
        }
        let environments = try data.get(UInt64.self, at: "rng/environments", rank: 1).values
        return TrainingState(
            config: config, iteration: Int(counters[0]), loggedTimesteps: Int(counters[1]),
            realSteps: Int(counters[2]), actionRNG: try generator("rng/action"),
            imaginationRNG: try generator("rng/imagination"),
            environmentGenerators: environments.map { SplitMix64(seed: $0) },
            policyParameters: try data.get(Double.self, at: "policy/parameters", rank: 1).values,
            ensemble: try readEnsemble(data, config: config),
            algorithm: try readAlgorithm(data, config: config))
    }

    static func readEnsemble(_ data: Checksummed, config: TrainingConfig) throws -> EnsembleState {
        var parameters: [[Float]] = [], optimizers: [Adam<Float>] = []
        for k in 0..<config.dynamics.members {
            let member = "ensemble/member-\(k)"
            let theta = try data.get(Float.self, at: "\(member)/parameters", rank: 1).values
            let step = try data.get(Int64.self, at: "\(member)/adam/step", shape: [1])[0]
            let first = try data.get(Float.self, at: "\(member)/adam/first_moment", shape: [theta.count])
            let second = try data.get(Float.self, at: "\(member)/adam/second_moment", shape: [theta.count])
            guard step >= 0 else {
                throw StorageError.malformed(path: data.file.path, reason: "negative Adam step in '\(member)'")
            }
            parameters.append(theta)
            optimizers.append(
                Adam(
                    learningRate: config.dynamics.learningRate, step: Int(step), firstMoment: first,
                    secondMoment: second))
        }
        func statistics(_ name: String) throws -> FeatureNormalization {
            let mean = try data.get(Double.self, at: "ensemble/normalization/\(name)/mean", rank: 1).values
            var result = FeatureNormalization(size: mean.count)
            result.mean = mean
            result.standardDeviation = try data.get(
                Double.self, at: "ensemble/normalization/\(name)/std",
                shape: [mean.count])
            return result
        }
        let normalization = DynamicsNormalization(
            observation: try statistics("observation"),
            action: try statistics("action"), delta: try statistics("delta"))
        let (observations, shape) = try data.get(Float.self, at: "ensemble/buffer/observations", rank: 2)
        let actions = try data.get(Float.self, at: "ensemble/buffer/actions", rank: 2)
        let deltas = try data.get(Float.self, at: "ensemble/buffer/deltas", shape: shape)
        guard shape[1] > 0, actions.shape[0] == shape[0], actions.shape[1] > 0,
            shape[0] <= config.dynamics.bufferCapacity
        else {
            throw StorageError.malformed(path: data.file.path, reason: "the transition buffer's shapes do not agree")
        }
        let buffer = TransitionBuffer(
            observationSize: shape[1], actionSize: actions.shape[1],
            capacity: config.dynamics.bufferCapacity, observations: observations,
            actions: actions.values, deltas: deltas)
        return EnsembleState(
            parameters: parameters, optimizers: optimizers, normalization: normalization,
            buffer: buffer,
            rng: try SplitMix64(
                seed: data.get(
                    UInt64.self, at: "rng/ensemble",
                    shape: [1])[0]))
    }

    /// Where checkpoints written before `algorithm/<name>/` kept an algorithm's arrays (same names below).
    static let legacyAlgorithmGroups: [Algorithm: String] = [.mbMPO: "mbmpo", .meTRPO: "metrpo"]

    /// Every dataset below `algorithm/<algorithm>/` (or an older checkpoint's group of the algorithm), by its path
    /// relative to that group.
    static func readAlgorithm(_ data: Checksummed, config: TrainingConfig) throws -> AlgorithmState {
        var root = "algorithm/\(config.algorithm.rawValue)"
        if !data.file.exists("algorithm"), let legacy = legacyAlgorithmGroups[config.algorithm] { root = legacy }
        var state = AlgorithmState()
        guard data.file.exists(root) else { return state }
        func visit(_ group: String, prefix: String) throws {
            for child in try data.file.children(of: group) {
                let object = "\(group)/\(child)", name = prefix + child
                if data.file.isDataset(object) {
                    let shape = try data.file.shape(of: object)
                    state.arrays[name] = AlgorithmState.Tensor(
                        try data.get(Double.self, at: object, shape: shape),
                        shape: shape)
                } else {
                    try visit(object, prefix: name + "/")
                }
            }
        }
        try visit(root, prefix: "")
        return state
    }

    static func readProgress(_ data: Checksummed) throws -> [IterationLog] {
        let columns = try data.getStrings(at: "progress/columns")
        let (values, shape) = try data.get(Double.self, at: "progress/values", rank: 2)
        let order = try data.get(Int32.self, at: "progress/order", shape: shape)
        guard shape[1] == columns.count else {
            throw StorageError.malformed(path: data.file.path, reason: "progress values and columns disagree")
        }
        return (0..<shape[0]).map { r in
            let cells = (0..<columns.count).filter { order[r * columns.count + $0] >= 0 }
                .sorted { order[r * columns.count + $0] < order[r * columns.count + $1] }
            var row = IterationLog()
            for c in cells { row.record(columns[c], values[r * columns.count + c]) }
            return row
        }
    }
}
