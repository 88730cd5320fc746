import Core

extension DynamicsEnsemble {
    /// Most rows one prediction work unit sends through a member; fixed so that results do not depend on the
    /// thread count.
    public static let chunkRows = 128

    /// Chunks a member's group of `rows` rows is cut into: near-equal, at most ``chunkRows`` each (chunk c is rows
    /// c·rows/chunks ..< (c+1)·rows/chunks of the group).
    static func chunkCount(rows: Int) -> Int { (rows + chunkRows - 1) / chunkRows }

    /// How rows of a batch are assigned to members.
    public enum Propagation: Equatable, Sendable {
        /// The batch is cut into K contiguous equal blocks; block k goes through member k (MB-MPO's imagined
        /// rollouts: rollout group i of G uses member ⌊i·K/G⌋). Rows must be divisible by K.
        case blocks
        /// Every row goes through an independent, uniformly random member (ME-TRPO, MB-MPC's `rand`).
        case randomMember
        /// Every row goes through all members and their denormalized Δ are averaged.
        case mean
        /// Every row goes through member k.
        case member(Int)
        /// The rows are rows `first ..< first + rows` of a `total`-row batch propagated with ``blocks``: each goes
        /// through the member ``blocks`` would give it, in the prediction chunks ``blocks`` would cut, which the range
        /// must not split (``chunkBoundaries(total:)``). So each row's prediction has the bits it has in the whole
        /// batch: how a process computes its part of a batch split over processes.
        case blockRange(first: Int, total: Int)
    }

    /// Where ``Propagation/blocks`` cuts a `total`-row batch into prediction chunks (every member's block cut into
    /// near-equal chunks of at most ``chunkRows`` rows), as row indices, 0 and `total` included. A product's rows
    /// get bits that depend on the product's height, so a part of the batch predicts exactly as the whole batch does
    /// only if it starts and ends at these boundaries.
    public func chunkBoundaries(total: Int) -> [Int] {
        let k = members.count
        precondition(total % k == 0, "blocks need rows divisible by \(k) members, got \(total)")
        var boundaries = [0]
        for m in 0..<k {
            let (start, count) = (m * total / k, total / k)
            let chunks = Self.chunkCount(rows: count)
            for c in 0..<chunks { boundaries.append(start + (c + 1) * count / chunks) }
        }
        return boundaries
    }

    /// Draws of `rng` that one predicted row takes for the noise of ``DynamicsConfig/imperfection`` with
    /// ``Propagation/blocks`` (0 without noise), so that a process predicting part of a batch can skip the others'.
    public var noiseDrawsPerRow: UInt64 {
        perturbsPredictions && config.imperfection.noiseStd != 0
            ? UInt64(observationSize) * SplitMix64.drawsPerGaussian : 0
    }

    /// o′ = o + denormalize(f_k([normalize(o), normalize(a)])) per row, members assigned by `propagation`, plus the
    /// deliberate errors of ``DynamicsConfig/imperfection`` when they are set: member k's offset
    /// ``outputOffsets``[k] and N(0, σ²) noise on every entry (``Propagation/mean`` averages the members' perturbed
    /// predictions).
    ///
    /// No allocation: all scratch comes from `workspace`. `next` may be the same memory as `observations`.
    /// - Parameters: observations, next: (rows × dO); actions: (rows × dA); rows ≤ `workspace.capacity`;
    ///   `rng` is drawn from for ``Propagation/randomMember`` (rows draws, in row order) and then, when noise is set,
    ///   for the noise (rows × dO draws in row order, K per entry for ``Propagation/mean``); otherwise not at all.
    public func predict<T: GEMMScalar>(
        observations o: UnsafePointer<T>, actions a: UnsafePointer<T>, rows: Int,
        into next: UnsafeMutablePointer<T>, propagation: Propagation,
        workspace: EnsembleWorkspace<T>, using rng: inout SplitMix64
    ) {
        precondition(rows <= workspace.capacity, "\(rows) rows exceed the workspace capacity \(workspace.capacity)")
        let k = members.count
        let ws = workspace
        for m in 0..<k { (ws.groupStart[m], ws.groupCount[m]) = (0, 0) }
        switch propagation {
        case .blocks:
            precondition(rows % k == 0, "blocks need rows divisible by \(k) members, got \(rows)")
            for r in 0..<rows { ws.rowOrder[r] = Int32(r) }
            for m in 0..<k { (ws.groupStart[m], ws.groupCount[m]) = (m * rows / k, rows / k) }
        case .blockRange(let first, let total):
            precondition(
                first >= 0 && first + rows <= total && total % k == 0,
                "rows \(first)..<\(first + rows) of a \(total)-row batch over \(k) members")
            for r in 0..<rows { ws.rowOrder[r] = Int32(r) }
            // the whole batch's chunks that lie in the range, as units (rows relative to `first`)
            if cachedChunkBoundaries.total != total {
                cachedChunkBoundaries = (total, chunkBoundaries(total: total))
            }
            let boundaries = cachedChunkBoundaries.boundaries
            precondition(
                boundaries.contains(first) && boundaries.contains(first + rows),
                "rows \(first)..<\(first + rows) split a prediction chunk of the \(total)-row batch")
            ws.unitCount = 0
            for (lower, upper) in zip(boundaries, boundaries.dropFirst()) where lower >= first && upper <= first + rows
            {
                precondition(ws.unitCount < ws.unitCapacity, "more prediction chunks than the workspace holds")
                ws.unitMember[ws.unitCount] = Int32(lower * k / total)
                ws.unitStart[ws.unitCount] = Int32(lower - first)
                ws.unitRows[ws.unitCount] = Int32(upper - lower)
                ws.unitCount += 1
            }
        case .member(let m):
            precondition(m >= 0 && m < k, "member \(m) out of 0..<\(k)")
            for r in 0..<rows { ws.rowOrder[r] = Int32(r) }
            ws.groupCount[m] = rows
        case .mean:
            for r in 0..<rows { ws.rowOrder[r] = Int32(r) }
            for m in 0..<k { ws.groupCount[m] = rows }
        case .randomMember:
            for r in 0..<rows {
                let m = rng.nextIndex(k)
                ws.rowMember[r] = Int32(m)
                ws.groupCount[m] += 1
            }
            // counting sort of the rows by member, stable in row order
            for m in 1..<max(k, 1) { ws.groupStart[m] = ws.groupStart[m - 1] + ws.groupCount[m - 1] }
            for m in 0..<k { ws.groupFill[m] = ws.groupStart[m] }
            for r in 0..<rows {
                let m = Int(ws.rowMember[r])
                ws.rowOrder[ws.groupFill[m]] = Int32(r)
                ws.groupFill[m] += 1
            }
        }
        // a block range's units are the whole batch's chunks, cut above; the other modes cut their member groups
        if case .blockRange = propagation {} else { ws.buildUnits() }
        run(observations: o, actions: a, into: next, averaging: propagation == .mean, rows: rows, workspace: ws)
        if perturbsPredictions {
            perturb(next, rows: rows, propagation: propagation, workspace: ws, using: &rng)
        }
    }

    /// Adds the members' offsets and the noise of ``DynamicsConfig/imperfection`` to predicted rows, serially in row
    /// order (so that the noise does not depend on the thread count).
    private func perturb<T: GEMMScalar>(
        _ next: UnsafeMutablePointer<T>, rows: Int, propagation: Propagation, workspace ws: EnsembleWorkspace<T>,
        using rng: inout SplitMix64
    ) {
        let dO = observationSize, k = members.count, sigma = config.imperfection.noiseStd
        let offsets = outputOffsets
        for r in 0..<rows {
            let member: Int
            switch propagation {
            case .blocks: member = r * k / rows
            case .blockRange(let first, let total): member = (first + r) * k / total
            case .member(let m): member = m
            case .randomMember: member = Int(ws.rowMember[r])
            case .mean:
                // the mean of the K perturbed predictions: mean offset plus the mean of K noise draws
                let meanOffset = offsets.reduce(0, +) / Double(k)
                for j in 0..<dO {
                    var noise = 0.0
                    if sigma != 0 { for _ in 0..<k { noise += sigma * rng.nextGaussian() } }
                    next[r * dO + j] += T(meanOffset + noise / Double(k))
                }
                continue
            }
            let offset = offsets[member]
            for j in 0..<dO {
                next[r * dO + j] += T(sigma == 0 ? offset : offset + sigma * rng.nextGaussian())
            }
        }
    }

    /// ``predict(observations:actions:rows:into:propagation:workspace:using:)`` with ``Propagation/blocks``.
    public func predictBlocks<T: GEMMScalar>(
        observations o: UnsafePointer<T>, actions a: UnsafePointer<T>,
        rows: Int, into next: UnsafeMutablePointer<T>,
        workspace: EnsembleWorkspace<T>
    ) {
        var unused = SplitMix64(seed: 0)
        predict(
            observations: o, actions: a, rows: rows, into: next, propagation: .blocks, workspace: workspace,
            using: &unused)
    }

    /// Array convenience (allocates a workspace): next observations (rows × dO) for (rows × dO) observations and
    /// (rows × dA) actions, in `Float` or `Double`.
    public func predict<T: GEMMScalar>(
        observations: [T], actions: [T], propagation: Propagation,
        using rng: inout SplitMix64
    ) -> [T] {
        let rows = observations.count / observationSize
        precondition(
            rows * observationSize == observations.count && actions.count == rows * actionSize,
            "expected (rows × \(observationSize)) observations and (rows × \(actionSize)) actions")
        guard rows > 0 else { return [] }
        let workspace = EnsembleWorkspace<T>(ensemble: self, capacity: rows)
        var next = [T](repeating: 0, count: observations.count)
        observations.withUnsafeBufferPointer { ob in
            actions.withUnsafeBufferPointer { ab in
                next.withUnsafeMutableBufferPointer { nb in
                    guard let o = ob.baseAddress, let a = ab.baseAddress, let n = nb.baseAddress else { return }
                    predict(
                        observations: o, actions: a, rows: rows, into: n, propagation: propagation,
                        workspace: workspace, using: &rng)
                }
            }
        }
        return next
    }

    /// Array convenience for ``Propagation/blocks`` (allocates a workspace).
    public func predictBlocks<T: GEMMScalar>(observations: [T], actions: [T]) -> [T] {
        var unused = SplitMix64(seed: 0)
        return predict(observations: observations, actions: actions, propagation: .blocks, using: &unused)
    }

    /// Runs the work units built from the row groups in `ws`, then averages for the mean mode.
    private func run<T: GEMMScalar>(
        observations o: UnsafePointer<T>, actions a: UnsafePointer<T>,
        into next: UnsafeMutablePointer<T>, averaging: Bool, rows: Int,
        workspace ws: EnsembleWorkspace<T>
    ) {
        let work = ws.work
        (work.ensemble, work.workspace, work.averaging) = (self, ws, averaging)
        (work.observations, work.actions, work.next) = (o, a, next)
        WorkerPool.shared.runSingleThreadedBLAS(units: ws.unitCount, threads: min(threads, ws.workers.count), work)
        (work.ensemble, work.workspace, work.observations, work.actions, work.next) = (nil, nil, nil, nil, nil)
        guard averaging else { return }
        let dO = observationSize, k = members.count, scale = 1 / Float(k)
        for r in 0..<rows {
            for j in 0..<dO {
                var sum: Float = 0
                for m in 0..<k { sum += ws.memberDeltas[(m * ws.capacity + r) * dO + j] }
                next[r * dO + j] = o[r * dO + j] + T(sum * scale)
            }
        }
    }

    /// Normalizes one unit's rows, runs them through the unit's member and writes o′ (or Δ for the mean mode).
    ///
    /// Workers reach this through the type-erased ``ParallelWork``, i.e. the unspecialized generic entry point, whose
    /// conversions between T and Float would go through runtime casts; the specializations make that entry point
    /// branch to concrete code for both scalar types.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    func runUnit<T: GEMMScalar>(
        _ unit: Int, worker: PredictionWorker, observations o: UnsafePointer<T>,
        actions a: UnsafePointer<T>, into next: UnsafeMutablePointer<T>,
        averaging: Bool, workspace ws: EnsembleWorkspace<T>
    ) {
        let m = Int(ws.unitMember[unit]), start = Int(ws.unitStart[unit]), count = Int(ws.unitRows[unit])
        let dO = observationSize, dA = actionSize, width = dO + dA, s = scales
        let rowOrder = ws.rowOrder + start
        for i in 0..<count {
            let r = Int(rowOrder[i])
            let x = worker.input + i * width, obs = o + r * dO, act = a + r * dA
            for j in 0..<dO { x[j] = (Float(obs[j]) - s.observationMean[j]) / s.observationScale[j] }
            for j in 0..<dA { x[dO + j] = (Float(act[j]) - s.actionMean[j]) / s.actionScale[j] }
        }
        let member = members[m]
        let y = member.network.forward(worker.input, rows: count, weights: member.weights, workspace: worker.network)
        for i in 0..<count {
            let r = Int(rowOrder[i])
            let out = y + i * dO
            if averaging {
                let delta = ws.memberDeltas + (m * ws.capacity + r) * dO
                for j in 0..<dO { delta[j] = out[j] * s.deltaScale[j] + s.deltaMean[j] }
            } else {
                for j in 0..<dO { next[r * dO + j] = o[r * dO + j] + T(out[j] * s.deltaScale[j] + s.deltaMean[j]) }
            }
        }
    }
}
