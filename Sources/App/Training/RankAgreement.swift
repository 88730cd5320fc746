import CMuJoCo
import Core
import Foundation
import Learner

/// What the ranks of one run must share: the arithmetic that gives its bits. Every rank computes some things whole
/// (the policy over every row, ME-TRPO's and MB-MPC's imagination, TRPO's and PPO's updates) and must hold the same
/// values afterwards, so a rank with another build, MuJoCo or OpenBLAS kernel family would drift away from the
/// others and the run would no longer give one process's results. Compared once, before anything is read or written.
enum RankAgreement {
    /// One part of this process's arithmetic: what it is called, its value here, and what makes the ranks agree.
    struct Part {
        let name: String
        let value: String
        let remedy: (String) -> String
    }

    /// This process's arithmetic, the most specific part first (the kernel family is also inside OpenBLAS's
    /// build string).
    static var local: [Part] {
        let mujoco = Int(cmj_version())
        return [
            Part(name: "mbmpo build", value: ProgramVersion.text) { _ in "run the same binary on every machine" },
            Part(name: "MuJoCo", value: "\(mujoco / 100).\(mujoco / 10 % 10).\(mujoco % 10)") {
                "install MuJoCo \($0) on every machine"
            },
            Part(name: "OpenBLAS kernels", value: BLAS.coreName) {
                "set OPENBLAS_CORETYPE=\($0) on every machine (mpirun -x OPENBLAS_CORETYPE=\($0))"
            },
            Part(name: "OpenBLAS", value: BLAS.configuration) { _ in "install rank 0's OpenBLAS on every machine" },
        ]
    }

    /// The ranks disagree: the first rank (in rank order) whose arithmetic is not rank 0's, and how.
    struct Disagreement: Error, CustomStringConvertible {
        let description: String
    }

    /// Gathers every rank's `parts` and host and throws the same ``Disagreement`` on every rank when one differs
    /// from rank 0's (every rank stops, and rank 0 says why); nothing when they agree or there is one process.
    static func check(_ communicator: any Communicator, parts: [Part] = local, host: String) throws {
        guard communicator.size > 1 else { return }
        let all = communicator.gatherTexts([host] + parts.map(\.value))
        // a build that lists other parts differs in the first, its build, so no list is read past its end
        func value(_ rank: Int, _ index: Int) -> String {
            all[rank].indices.contains(index) ? all[rank][index] : "?"
        }
        for rank in 1..<all.count {
            for (index, part) in parts.enumerated() where value(rank, index + 1) != value(0, index + 1) {
                throw Disagreement(
                    description:
                        "rank \(rank) (host \(value(rank, 0))) does not compute as rank 0 (host \(value(0, 0))) "
                        + "does: \(part.name) \(value(rank, index + 1)) against \(value(0, index + 1)), so the ranks' "
                        + "results would drift apart; \(part.remedy(value(0, index + 1)))")
            }
        }
    }
}
