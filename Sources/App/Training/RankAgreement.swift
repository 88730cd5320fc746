import Core
import Foundation
import Learner

/// What the ranks of one run must share: the arithmetic that gives its bits. Every rank computes some things whole
/// (the policy over every row, ME-TRPO's and MB-MPC's imagination, TRPO's and PPO's updates) and must hold the same
/// values afterwards, so a rank with another build, MuJoCo or OpenBLAS kernel family would drift away from the
/// others and the run would no longer give one process's results. Compared once, before anything is read or written.
enum RankAgreement {
    /// One part of a process's arithmetic: what it is called, its value there, and what makes the ranks agree,
    /// given rank 0's value and the OpenBLAS kernel families every rank's CPU runs (fastest first).
    struct Part {
        let name: String
        let value: String
        let remedy: (_ rankZero: String, _ commonKernels: [String]) -> String
    }

    /// This process's arithmetic, the most specific part first (the kernel family is also inside OpenBLAS's
    /// build string).
    static var local: [Part] {
        [
            Part(name: "mbmpo build", value: "\(ProgramVersion.text), \(BuildCommit.compiler)") { _, _ in
                "run the same binary on every machine"
            },
            Part(name: "MuJoCo", value: RunInfo.mujocoVersion) { version, _ in
                "install MuJoCo \(version) on every machine"
            },
            Part(name: "OpenBLAS kernels", value: BLAS.coreName, remedy: kernelRemedy),
            Part(name: "OpenBLAS", value: BLAS.configuration) { _, _ in "install rank 0's OpenBLAS on every machine" },
        ]
    }

    /// Rank 0's family where every CPU runs it, else the fastest one they all run.
    static func kernelRemedy(rankZero: String, common: [String]) -> String {
        let everywhere = common.contains { $0.lowercased() == rankZero.lowercased() }
        guard let family = everywhere ? rankZero : common.first else {
            return "no OpenBLAS kernel family known here runs on every rank's CPU: choose one with OPENBLAS_CORETYPE"
        }
        return "set OPENBLAS_CORETYPE=\(family) on every machine (mpirun -x OPENBLAS_CORETYPE=\(family))"
            + (everywhere ? "" : ", the fastest family every rank's CPU runs")
    }

    /// The ranks disagree: the first rank (in rank order) whose arithmetic is not rank 0's, and how.
    struct Disagreement: Error, CustomStringConvertible {
        let description: String
    }

    /// Gathers every rank's host, the kernel families its CPU runs and `parts`, and throws the same
    /// ``Disagreement`` on every rank when one differs from rank 0's (every rank stops, and rank 0 says why);
    /// nothing when they agree or there is one process.
    static func check(
        _ communicator: any Communicator, parts: [Part] = local, host: String,
        runnableKernels: [String] = OpenBLASKernels.runnable(cpuFlags: CPUDescription.current.flags)
    ) throws {
        guard communicator.size > 1 else { return }
        let all = communicator.gatherTexts([host, runnableKernels.joined(separator: ",")] + parts.map(\.value))
        let width = 2 + parts.count
        guard let zero = all[0], zero.count == width else {
            throw Disagreement(
                description: "rank 0 sent a description of its arithmetic that rank \(communicator.rank) "
                    + "cannot read: the ranks run different builds; run the same binary on every machine")
        }
        let common = all.reduce(zero[1].split(separator: ",").map(String.init)) { common, texts in
            guard let texts, texts.count == width else { return common }
            let runs = Set(texts[1].split(separator: ",").map { $0.lowercased() })
            return common.filter { runs.contains($0.lowercased()) }
        }
        for rank in 1..<all.count {
            // a build that describes itself otherwise (or not readably) differs in the first part, its build
            guard let texts = all[rank], texts.count == width else {
                throw Disagreement(
                    description: "rank \(rank) does not compute as rank 0 (host \(zero[0])) does: it runs another "
                        + "build, whose description of its arithmetic this one cannot read; run the same binary on "
                        + "every machine")
            }
            for (index, part) in parts.enumerated() where texts[index + 2] != zero[index + 2] {
                throw Disagreement(
                    description: "rank \(rank) (host \(texts[0])) does not compute as rank 0 (host \(zero[0])) does: "
                        + "\(part.name) \(texts[index + 2]) against \(zero[index + 2]), so the ranks' results would "
                        + "drift apart; \(part.remedy(zero[index + 2], common))")
            }
        }
    }
}
