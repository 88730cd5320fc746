import Core
import Foundation
import Testing
import _TestSupport

@testable import App

/// The ranks of one run compare their arithmetic (build, MuJoCo, OpenBLAS and its kernels) before anything else, and
/// every rank stops with rank 0's line when one differs.
@Suite struct RankAgreementTests {
    static let zen4 = ["Cooperlake", "SkylakeX", "Haswell", "Zen", "Sandybridge", "Prescott"]
    static let zen3 = ["Haswell", "Zen", "Sandybridge", "Prescott"]

    func parts(
        kernels: String = "Cooperlake", build: String = "0.9.0 (commit abc, release build)"
    ) -> [RankAgreement.Part] {
        [
            RankAgreement.Part(name: "mbmpo build", value: build) { _, _ in "run the same binary on every machine" },
            RankAgreement.Part(name: "OpenBLAS kernels", value: kernels, remedy: RankAgreement.kernelRemedy),
        ]
    }

    /// Each rank's check, with its own parts and kernel families; the error's line, or nil where it passed.
    func outcomes(_ ranks: [(parts: [RankAgreement.Part], runs: [String])]) -> [String?] {
        InProcessGroup(size: ranks.count).run { communicator -> String? in
            let mine = ranks[communicator.rank]
            do {
                try RankAgreement.check(
                    communicator, parts: mine.parts, host: "node\(communicator.rank)", runnableKernels: mine.runs)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// Texts cross the collective whole, in rank order: empty ones, none at all, and bytes beyond ASCII; a block
    /// that is not texts (another build's) reads as nil, not as a trap.
    @Test func textsGatherInRankOrder() {
        let sent: [[String]] = [["", "node-1", "Größe ✓"], [], ["rank two"]]
        let got = InProcessGroup(size: 3).run { communicator in communicator.gatherTexts(sent[communicator.rank]) }
        #expect(got.allSatisfy { $0.map { $0 ?? ["unreadable"] } == sent })
        #expect(SingleProcess.shared.gatherTexts(["alone"]) == [["alone"]])
        let garbage: [[Double]] = [[], [1, 2, 65], [1, 1, 300], [1, 1, 65.5], [.nan], [-1], [1, 1, 65, 0], [2, 0]]
        for block in garbage {
            let read = InProcessGroup(size: 2).run { communicator -> [[String]?] in
                guard communicator.rank == 0 else { return communicator.allGather(block).map { _ in nil } }
                return communicator.gatherTexts(["ok"])
            }
            #expect(read[0].count == 2 && read[0][0] == ["ok"] && read[0][1] == nil, "block \(block)")
        }
    }

    @Test func agreeingRanksPass() {
        #expect(outcomes([(parts(), Self.zen4), (parts(), Self.zen3), (parts(), Self.zen4)]) == [nil, nil, nil])
    }

    /// The first rank that differs is named with its host, both values, and the setting that makes them agree;
    /// every rank throws the same line, so rank 0's report speaks for all.
    @Test func aDifferingRankStopsEveryRank() {
        let messages = outcomes([
            (parts(kernels: "Haswell"), Self.zen4), (parts(kernels: "Zen"), Self.zen3), (parts(), Self.zen4),
        ])
        #expect(messages[0] != nil && Set(messages).count == 1)
        #expect(
            messages[0]
                == "rank 1 (host node1) does not compute as rank 0 (host node0) does: OpenBLAS kernels Zen against "
                + "Haswell, so the ranks' results would drift apart; set OPENBLAS_CORETYPE=Haswell on every machine "
                + "(mpirun -x OPENBLAS_CORETYPE=Haswell)")
    }

    /// Where rank 0's family does not run on another rank's CPU, the fastest one that runs on all is named.
    @Test func theRemedyIsAFamilyEveryCPURuns() {
        let messages = outcomes([(parts(), Self.zen4), (parts(kernels: "Zen"), Self.zen3)])
        #expect(
            messages[0]?.hasSuffix(
                "set OPENBLAS_CORETYPE=Haswell on every machine (mpirun -x "
                    + "OPENBLAS_CORETYPE=Haswell), the fastest family every rank's CPU runs") == true)
        #expect(RankAgreement.kernelRemedy(rankZero: "Cooperlake", common: []).hasPrefix("no OpenBLAS kernel family"))
    }

    /// Another build is named before anything else, also where it describes its arithmetic with fewer parts, or
    /// sends what does not read as a description at all.
    @Test func anotherBuildIsNamedFirst() {
        let older = [parts(kernels: "Zen", build: "0.8.0 (commit old, release build)")[0]]
        let fewer = outcomes([(parts(), Self.zen4), (older, Self.zen3)])
        #expect(
            fewer[0]?.contains("rank 1 does not compute as rank 0 (host node0) does: it runs another build") == true)
        #expect(fewer[1]?.contains("rank 0 sent a description of its arithmetic that rank 1 cannot read") == true)
        let messages = outcomes([(parts(), Self.zen4), (parts(build: "0.8.0 (commit old, release build)"), Self.zen4)])
        #expect(messages[0]?.contains("mbmpo build 0.8.0 (commit old, release build) against 0.9.0") == true)
        #expect(messages[0]?.hasSuffix("run the same binary on every machine") == true && messages[1] == messages[0])
        let unreadable = InProcessGroup(size: 2).run { communicator -> String? in
            guard communicator.rank == 0 else {
                _ = communicator.allGather([.infinity])
                return nil
            }
            do {
                try RankAgreement.check(communicator, parts: parts(), host: "node0", runnableKernels: Self.zen4)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(
            unreadable[0]?.contains("rank 1 does not compute as rank 0 (host node0) does: it runs another build")
                == true)
    }
}
