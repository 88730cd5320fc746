import Foundation
import Testing

/// The results table and its verdict in words in README.md and BENCHMARKS.md are what `Benchmarks/results.py`
/// computes from the committed logs in `Benchmarks/results` (its `--check` mode), so no number there can drift from
/// the logs.
@Suite struct ResultsTableTests {
    /// Why the check cannot run here, or nil when python3 is available.
    static let unavailable: String? = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "pass"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return "python3 is not installed" }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? nil : "python3 is not installed"
    }()

    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"))
    func tablesEqualTheCommittedLogs() throws {
        let (status, message) = try Self.results("tables", "--check")
        #expect(status == 0, "\(message)")
    }

    /// The rules the tables read the logs by (a seed's settled return, the asymptote's "still rising" and peak
    /// notes, the first smoothed crossing, the verdict's thresholds and the model-based methods' order), on made-up
    /// curves with known answers.
    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"))
    func readingRulesGiveTheKnownAnswers() throws {
        let (status, message) = try Self.results("selftest")
        #expect(status == 0, "\(message)")
    }

    /// Runs `Benchmarks/results.py` with `arguments`: its exit status and standard error.
    static func results(_ arguments: String...) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", TestFiles.root.appendingPathComponent("Benchmarks/results.py").path] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }
}
