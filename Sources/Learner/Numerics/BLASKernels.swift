import COpenBLAS

extension BLAS {
    /// The OpenBLAS kernel family in use, e.g. "Haswell" or "SkylakeX".
    ///
    /// OpenBLAS 0.3.21 picks it at load time, from `OPENBLAS_CORETYPE` when set, else from the CPU (an AVX-512 AMD
    /// EPYC gets "Cooperlake"). The AVX-512 kernels (Cooperlake, SkylakeX) give about 1.5–1.9× the sgemm throughput
    /// of the AVX2 "Haswell" ones on such a CPU; results differ in the last bits between kernel families, never
    /// between thread counts.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

extension BLAS {
    /// OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64".
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }
}
