import Foundation
import Testing

/// The results table in README.md and BENCHMARKS.md is what `Benchmarks/results.py` computes from the committed
/// logs in `Benchmarks/results` (its `--check` mode), so no number there can drift from the logs.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", TestFiles.root.appendingPathComponent("Benchmarks/results.py").path, "tables", "--check",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }
}
