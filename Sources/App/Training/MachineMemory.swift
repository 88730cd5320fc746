import Core
import Foundation
import Learner
import Sim

#if canImport(Glibc)
    import Glibc
#endif

/// The memory this process may use: the machine's physical memory, or its control group's limit when that is
/// lower (containers, batch schedulers).
enum MachineMemory {
    static var availableBytes: Double {
        var bytes = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
                let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
            {
                bytes = min(bytes, limit)
            }
        }
        return bytes
    }

    /// Refuses `config` on `environment` when its ``MemoryEstimate`` exceeds ``availableBytes``.
    static func check(_ config: TrainingConfig, environment: any Environment, model: MuJoCoModel) throws {
        let estimate = MemoryEstimate(
            config: config, observationSize: environment.spec.observationSize,
            actionSize: environment.spec.actionSize, stateSize: model.nq + model.nv,
            simulationBytes: model.dataBytes)
        do {
            try estimate.check(available: availableBytes)
        } catch let error as ConfigurationError {
            throw ConfigurationFile.Problem(message: "configuration: \(error.reason)")
        }
    }
}
