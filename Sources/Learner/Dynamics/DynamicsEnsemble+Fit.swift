import Core

/// What one ``DynamicsEnsemble/fit()`` did.
public struct DynamicsFitReport: Equatable, Sendable {
    /// Transitions in the buffer N.
    public var samples: Int
    /// Training rows per member, ⌊(1 − validationFraction)·N⌋; the rest are that member's validation rows.
    public var trainingSamples: Int
    /// Epochs each member trained (its stopping epoch + 1).
    public var epochs: [Int]
    /// Each member's row-weighted mean batch loss over its last epoch (normalized Δ, MSE).
    public var trainLosses: [Double]
    /// Each member's validation MSE (normalized Δ) after its last epoch.
    public var validationLosses: [Double]
    /// Wall-clock duration of the fit in seconds.
    public var seconds: Double

    /// Mean of ``epochs``.
    public var meanEpochs: Double { Double(epochs.reduce(0, +)) / Double(max(epochs.count, 1)) }
}

extension DynamicsEnsemble {
    /// Fits every member on the whole buffer, warm-starting weights and Adam state (MB-MPO §2.2–2.5).
    ///
    /// 1. Recompute normalization statistics over the buffer (mean, population std + 1e-10).
    /// 2. Each member draws its own random permutation: first ⌊(1 − f)N⌋ rows train, the rest validate.
    /// 3. Epochs: each training member visits its fixed batches (consecutive `batchSize` rows of its permutation, last
    ///    one partial) in a freshly shuffled order, one Adam step per batch; then its validation MSE is measured.
    /// 4. ``RollingAverageStopping`` retires members; the fit ends when all stopped or after `maxEpochs`.
    /// Randomness comes from ``rng`` in a fixed order, so equal seeds give bit-identical members.
    /// Split over processes (``communicator``), each trains its own members (``ownedMembers``), draws every member's
    /// random orders, receives the others' losses after every epoch and their parameters and Adam states at the end:
    /// the same members, bit for bit, for any process count.
    /// Throws ``TrainingFailure`` when the buffer holds fewer than 2 transitions or a member's validation loss stops
    /// being finite (a learning rate that diverges, or real data that is not finite).
    @discardableResult
    public func fit() throws -> DynamicsFitReport {
        let start = ContinuousClock.now
        let n = buffer.count
        guard n >= 2 else {
            throw TrainingFailure(
                phase: "model fit",
                problem: "the buffer holds \(n) transition(s), a fit needs at least 2 (every real episode ended "
                    + "after its first step)")
        }
        prepareFitData()
        let trainCount = max(1, min(n - 1, Int((Double(n) * (1 - config.validationFraction) + 1e-9).rounded(.down))))
        let batches = (trainCount + config.batchSize - 1) / config.batchSize
        for member in members {
            member.drawSplit(rows: n, using: &rng)
            member.epochsTrained = 0
        }
        var stopping = RollingAverageStopping(members: members.count, persistence: config.rollingAveragePersistence)
        let owned = ownedMembers
        for epoch in 0..<config.maxEpochs {
            let active = members.indices.filter { stopping.isTraining($0) }
            // every process draws every member's batch order, so the stream stays the same for any process count
            for k in active { members[k].drawBatchOrder(batches: batches, using: &rng) }
            runEpoch(active: active.filter { owned.contains($0) }, trainCount: trainCount)
            shareEpoch(active: active)
            if let k = active.first(where: { !members[$0].lastValidationLoss.isFinite }) {
                throw TrainingFailure(
                    phase: "model fit",
                    problem: "member \(k)'s validation loss is \(members[k].lastValidationLoss) after epoch "
                        + "\(epoch + 1) (a dynamics.learningRate of \(config.learningRate) that diverges, or real data "
                        + "that is not finite)")
            }
            stopping.record(
                validationLosses: members.map(\.lastValidationLoss),
                isLastEpoch: epoch == config.maxEpochs - 1)
            if stopping.allStopped { break }
        }
        shareMemberStates()
        let elapsed = ContinuousClock.now - start
        return DynamicsFitReport(
            samples: n, trainingSamples: trainCount, epochs: members.map(\.epochsTrained),
            trainLosses: members.map(\.lastTrainLoss),
            validationLosses: members.map(\.lastValidationLoss),
            seconds: Double(elapsed.components.seconds)
                + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The members this process trains: a contiguous range of them (``UnitPartition``), as tasks are split, so that
    /// with as many processes as members each process trains the member its own tasks imagine through.
    var ownedMembers: Range<Int> { communicator.ownedUnits(of: members.count) }

    /// Gives every process the epoch results (train and validation loss, epochs trained) of the `active` members that
    /// other processes trained (nothing to do for one process).
    func shareEpoch(active: [Int]) {
        guard communicator.size > 1 else { return }
        let owned = ownedMembers
        let own = active.filter { owned.contains($0) }.flatMap {
            [members[$0].lastTrainLoss, members[$0].lastValidationLoss]
        }
        let blocks = communicator.allGather(own)
        for rank in 0..<communicator.size where rank != communicator.rank {
            let theirs = communicator.ownedUnits(of: members.count, rank: rank)
            let trained = active.filter { theirs.contains($0) }
            precondition(
                blocks[rank].count == 2 * trained.count,
                "rank \(rank) sent \(blocks[rank].count) epoch results for \(trained.count) members")
            for (i, k) in trained.enumerated() {
                members[k].lastTrainLoss = blocks[rank][2 * i]
                members[k].lastValidationLoss = blocks[rank][2 * i + 1]
                members[k].epochsTrained += 1
            }
        }
    }

    /// After a fit split over processes: every process receives the members the others trained (parameters and Adam
    /// state), so that each holds the whole ensemble, as one process would.
    func shareMemberStates() {
        guard communicator.size > 1 else { return }
        let count = members[0].network.parameterCount
        // per member: parameters, Adam's step, first and second moments (Float values are exact as Double)
        let width = 3 * count + 1
        var own: [Double] = []
        own.reserveCapacity(ownedMembers.count * width)
        for k in ownedMembers {
            let member = members[k]
            own += member.network.parameters.map(Double.init)
            own.append(Double(member.optimizer.step))
            own += member.optimizer.firstMoment.map(Double.init)
            own += member.optimizer.secondMoment.map(Double.init)
        }
        let all = communicator.gatherUnits(own, width: width, units: members.count)
        for k in members.indices where !ownedMembers.contains(k) {
            let record = all[(k * width)..<((k + 1) * width)]
            let at = record.startIndex
            let member = members[k]
            member.network.parameters = record[at..<(at + count)].map(Float.init)
            let optimizer = member.optimizer
            member.optimizer = Adam(
                learningRate: optimizer.learningRate, beta1: optimizer.beta1, beta2: optimizer.beta2,
                epsilon: optimizer.epsilon, step: Int(record[at + count]),
                firstMoment: record[(at + count + 1)..<(at + 2 * count + 1)].map(Float.init),
                secondMoment: record[(at + 2 * count + 1)..<(at + 3 * count + 1)].map(Float.init))
            member.refreshWeights()
        }
    }

    /// One epoch for the members in `active`: training steps, then each member's validation loss.
    func runEpoch(active: [Int], trainCount: Int) {
        let running = active.map { members[$0] }
        trainEpoch(running, trainCount: trainCount)
        let slices = EnsembleMember.slicesPerBatch
        withFitData { x, y in
            WorkerPool.shared.runSingleThreadedBLAS(units: running.count * slices, threads: threads) { unit, _ in
                running[unit / slices].validateSlice(unit % slices, inputs: x, targets: y, trainCount: trainCount)
            }
        }
        for member in running {
            member.lastValidationLoss = member.validationLoss(trainCount: trainCount)
        }
    }

    /// One epoch of Adam steps of `running`: the members step together, batch by batch, each on its own batch
    /// (batches in each member's current `batchOrder`). Work units are (member, batch slice), so the load stays
    /// balanced however many members remain.
    func trainEpoch(_ running: [EnsembleMember], trainCount: Int) {
        let batchSize = config.batchSize, slices = EnsembleMember.slicesPerBatch
        let batches = (trainCount + batchSize - 1) / batchSize
        for member in running {
            member.prepareSlices(batchSize: batchSize)
            member.epochLoss = 0
        }
        withFitData { x, y in
            for step in 0..<batches {
                WorkerPool.shared.runSingleThreadedBLAS(units: running.count * slices, threads: threads) { unit, _ in
                    running[unit / slices].computeSlice(
                        unit % slices, step: step, inputs: x, targets: y,
                        trainCount: trainCount, batchSize: batchSize)
                }
                WorkerPool.shared.runSingleThreadedBLAS(units: running.count, threads: threads) { unit, _ in
                    running[unit].applyStep()
                }
            }
        }
        for member in running {
            member.lastTrainLoss = member.epochLoss / Double(trainCount)
            member.epochsTrained += 1
        }
    }

    /// Calls `body` with the normalized fit inputs (N × (dO + dA)) and targets (N × dO).
    func withFitData(_ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        fitInputs.withUnsafeBufferPointer { xb in
            fitTargets.withUnsafeBufferPointer { yb in
                guard let x = xb.baseAddress, let y = yb.baseAddress else { return }
                body(x, y)
            }
        }
    }

    /// Recomputes the normalization over the buffer and writes the normalized inputs and targets.
    func prepareFitData() {
        let statistics = DynamicsNormalization(
            observation: FeatureNormalization(fitting: buffer.observations, width: observationSize),
            action: FeatureNormalization(fitting: buffer.actions, width: actionSize),
            delta: FeatureNormalization(fitting: buffer.deltas, width: observationSize))
        setNormalization(statistics)
        let n = buffer.count, dO = observationSize, dA = actionSize, width = dO + dA
        fitInputs = [Float](repeating: 0, count: n * width)
        fitTargets = [Float](repeating: 0, count: n * dO)
        let s = scales
        for r in 0..<n {
            for j in 0..<dO {
                fitInputs[r * width + j] =
                    (buffer.observations[r * dO + j] - s.observationMean[j])
                    / s.observationScale[j]
                fitTargets[r * dO + j] = (buffer.deltas[r * dO + j] - s.deltaMean[j]) / s.deltaScale[j]
            }
            for j in 0..<dA {
                fitInputs[r * width + dO + j] = (buffer.actions[r * dA + j] - s.actionMean[j]) / s.actionScale[j]
            }
        }
    }
}
