import COpenBLAS

extension BLAS {
    /// The OpenBLAS kernel family in use, e.g. "Haswell" or "SkylakeX".
    ///
    /// OpenBLAS 0.3.21 picks it at load time, from `OPENBLAS_CORETYPE` when set, else from the CPU (recent AMD EPYC
    /// cores are unknown to it and fall back to Haswell). On this project's AVX-512 machines the SkylakeX kernels
    /// (`OPENBLAS_CORETYPE=SkylakeX`) give about twice the sgemm throughput of the Haswell ones; results differ in the
    /// last bits between kernel families, never between thread counts of the ensemble.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
