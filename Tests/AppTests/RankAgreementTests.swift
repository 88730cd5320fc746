import Core
import Foundation
import Testing
import _TestSupport

@testable import App

/// The ranks of one run compare their arithmetic (build, MuJoCo, OpenBLAS and its kernels) before anything else, and
/// every rank stops with rank 0's line when one differs.
@Suite struct RankAgreementTests {
    func parts(
        kernels: String = "Cooperlake", build: String = "0.9.0 (commit abc, release build)"
    ) -> [RankAgreement.Part] {
        [
            RankAgreement.Part(name: "mbmpo build", value: build) { _ in "run the same binary on every machine" },
            RankAgreement.Part(name: "OpenBLAS kernels", value: kernels) { "set OPENBLAS_CORETYPE=\($0)" },
        ]
    }

    /// Texts cross the collective whole, in rank order: empty ones, none at all, and bytes beyond ASCII.
    @Test func textsGatherInRankOrder() {
        let sent: [[String]] = [["", "node-1", "Größe ✓"], [], ["rank two"]]
        let got = InProcessGroup(size: 3).run { communicator in communicator.gatherTexts(sent[communicator.rank]) }
        #expect(got == [sent, sent, sent])
        #expect(SingleProcess.shared.gatherTexts(["alone"]) == [["alone"]])
    }

    @Test func agreeingRanksPass() {
        let errors = InProcessGroup(size: 3).run { communicator in
            (try? RankAgreement.check(communicator, parts: parts(), host: "node\(communicator.rank)")) == nil
        }
        #expect(errors == [false, false, false])
    }

    /// The first rank that differs is named with its host, both values, and the setting that makes them agree;
    /// every rank throws the same line, so rank 0's report speaks for all.
    @Test func aDifferingRankStopsEveryRank() {
        let messages = InProcessGroup(size: 3).run { communicator -> String? in
            let kernels = communicator.rank == 0 ? "Cooperlake" : "Haswell"
            do {
                try RankAgreement.check(communicator, parts: parts(kernels: kernels), host: "node\(communicator.rank)")
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(messages[0] != nil && Set(messages).count == 1)
        #expect(
            messages[0]
                == "rank 1 (host node1) does not compute as rank 0 (host node0) does: OpenBLAS kernels Haswell "
                + "against Cooperlake, so the ranks' results would drift apart; set OPENBLAS_CORETYPE=Cooperlake")
    }

    /// Another build is named before anything else, also where it lists fewer parts than rank 0's.
    @Test func anotherBuildIsNamedFirst() {
        let messages = InProcessGroup(size: 2).run { communicator -> String in
            let mine =
                communicator.rank == 0
                ? parts() : [parts(kernels: "Zen", build: "0.8.0 (commit old, release build)")[0]]
            do {
                try RankAgreement.check(communicator, parts: mine, host: "h\(communicator.rank)")
                return "passed"
            } catch {
                return "\(error)"
            }
        }
        #expect(messages[0].contains("mbmpo build 0.8.0 (commit old, release build) against 0.9.0"))
        #expect(messages[0].hasSuffix("run the same binary on every machine"))
        // rank 1 lists one part and rank 0 two: both stop at the first, with the same line
        #expect(messages[1] == messages[0])
    }
}
