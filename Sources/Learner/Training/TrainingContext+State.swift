import Core

extension TrainingContext {
    /// The shared state plus the algorithm's own part.
    func captureState(algorithm: AlgorithmState) -> TrainingState {
        let ensembleState = EnsembleState(
            parameters: (0..<ensemble.memberCount).map { ensemble.parameters(member: $0) },
            optimizers: (0..<ensemble.memberCount).map { ensemble.optimizer(member: $0) },
            normalization: ensemble.normalization, buffer: ensemble.buffer, rng: ensemble.rng)
        return TrainingState(
            config: config, iteration: iteration, loggedTimesteps: loggedTimesteps,
            realSteps: realSteps, actionRNG: actionRNG, imaginationRNG: imaginationRNG,
            environmentGenerators: real.generatorStates, policyParameters: policy.parameters,
            ensemble: ensembleState, algorithm: algorithm)
    }

    /// Throws unless `state` was saved by a trainer of this configuration and shapes.
    func checkCompatible(_ state: TrainingState) throws {
        var saved = state.config, own = config
        (saved.iterations, saved.threads, saved.totalSteps) = (own.iterations, own.threads, own.totalSteps)
        if saved.environment != own.environment {
            throw TrainingStateError("the state was saved on '\(saved.environment)', not '\(own.environment)'")
        }
        if saved != own { throw TrainingStateError("the state was saved with a different configuration") }
        func require(_ condition: Bool, _ what: String) throws {
            if !condition { throw TrainingStateError("the saved \(what) does not fit this configuration") }
        }
        try require(state.iteration >= 0 && state.loggedTimesteps >= 0 && state.realSteps >= 0, "counters")
        try require(state.environmentGenerators.count == real.environmentCount, "environment generator list")
        try require(state.policyParameters.count == policy.layout.parameterCount, "policy parameter vector")
        let e = state.ensemble
        try require(
            e.parameters.count == ensemble.memberCount && e.optimizers.count == ensemble.memberCount,
            "ensemble member list")
        for k in 0..<ensemble.memberCount {
            let count = ensemble.parameters(member: k).count
            try require(
                e.parameters[k].count == count && e.optimizers[k].firstMoment.count == count,
                "member \(k) parameter vector or optimizer state")
        }
        let sizes = (ensemble.observationSize, ensemble.actionSize)
        try require(
            e.buffer.observationSize == sizes.0 && e.buffer.actionSize == sizes.1
                && e.buffer.capacity == ensemble.buffer.capacity, "transition buffer")
        try require(
            e.normalization.observation.mean.count == sizes.0 && e.normalization.action.mean.count == sizes.1
                && e.normalization.delta.mean.count == sizes.0, "normalization")
        // a sealed file can still hold a NaN (written by a tool, or by a run that diverged): refuse it here, before
        // anything is written, rather than in the first rollout
        func requireFinite<C: Collection>(_ values: C, _ what: String) throws where C.Element: BinaryFloatingPoint {
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw TrainingStateError(
                    "the saved \(what) holds a value that is not finite (entry \(values.distance(from: values.startIndex, to: index)))"
                )
            }
        }
        try requireFinite(state.policyParameters, "policy parameter vector")
        for k in 0..<ensemble.memberCount {
            try requireFinite(e.parameters[k], "member \(k) parameter vector")
            try requireFinite(e.optimizers[k].firstMoment, "member \(k) optimizer state")
            try requireFinite(e.optimizers[k].secondMoment, "member \(k) optimizer state")
        }
        for (name, part) in [
            ("observation", e.normalization.observation), ("action", e.normalization.action),
            ("delta", e.normalization.delta),
        ] {
            try requireFinite(part.mean, "\(name) normalization")
            try requireFinite(part.standardDeviation, "\(name) normalization")
        }
        try requireFinite(e.buffer.observations, "transition buffer")
        try requireFinite(e.buffer.actions, "transition buffer")
        try requireFinite(e.buffer.deltas, "transition buffer")
        for name in state.algorithm.arrays.keys.sorted() {
            try requireFinite(state.algorithm.arrays[name]?.values ?? [], "'\(name)'")
        }
    }

    /// Overwrites the shared state (checked by ``checkCompatible(_:)`` first).
    func apply(_ state: TrainingState) {
        iteration = state.iteration
        loggedTimesteps = state.loggedTimesteps
        realSteps = state.realSteps
        actionRNG = state.actionRNG
        imaginationRNG = state.imaginationRNG
        real.generatorStates = state.environmentGenerators
        policy.parameters = state.policyParameters
        for k in 0..<ensemble.memberCount {
            ensemble.setParameters(state.ensemble.parameters[k], member: k)
            ensemble.setOptimizer(state.ensemble.optimizers[k], member: k)
        }
        ensemble.setNormalization(state.ensemble.normalization)
        ensemble.buffer = state.ensemble.buffer
        ensemble.rng = state.ensemble.rng
        drawModelErrors()
    }
}
