import Core

extension WorkerPool {
    /// `run(units:threads:partition:_:)` with OpenBLAS pinned to one thread first.
    ///
    /// Every parallel section of the learner goes through here: inside a section each BLAS call runs on its own
    /// worker alone, so a product never splits differently with the thread count (results stay bit-identical for
    /// any `threads`) and OpenBLAS's threads never compete with the pool's for the cores.
    func runSingleThreadedBLAS(units: Int, threads: Int, partition: Partition = .strided, _ work: ParallelWork) {
        BLAS.pinSingleThread()
        run(units: units, threads: threads, partition: partition, work)
    }

    /// The closure form of ``runSingleThreadedBLAS(units:threads:partition:_:)``.
    func runSingleThreadedBLAS(
        units: Int, threads: Int, partition: Partition = .strided,
        _ body: (_ unit: Int, _ worker: Int) -> Void
    ) {
        BLAS.pinSingleThread()
        run(units: units, threads: threads, partition: partition, body)
    }
}
