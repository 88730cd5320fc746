import ArgumentParser
import Foundation
import Testing

@testable import App

/// Every `mbmpo` command in README.md's code blocks is a valid command line (scripts/cli-checks.sh runs them).
@Suite struct ReadmeTests {
    /// The argument lists of the `.build/release/mbmpo …` invocations in README's bash blocks (comments,
    /// redirections and `&&` chains cut off).
    static func commands() -> [[String]] {
        let readme = TestFiles.text(TestFiles.root.appendingPathComponent("README.md"))
        var inBlock = false
        var found: [[String]] = []
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock = line == "```bash"
                continue
            }
            guard inBlock, let start = line.range(of: ".build/release/mbmpo") else { continue }
            var rest = String(line[start.upperBound...])
            for stop in [" #", " > ", " &&", " |"] {
                if let cut = rest.range(of: stop) { rest = String(rest[..<cut.lowerBound]) }
            }
            found.append(rest.split(separator: " ").map(String.init))
        }
        return found
    }

    @Test func everyCommandParses() {
        let commands = Self.commands()
        #expect(commands.count >= 20)
        #expect(commands.contains(["plot", "runs", "--out", "curves.png"]))
        // the check can fail: a misspelled option does not parse
        #expect(throws: (any Error).self) { try MBMPO.parseAsRoot(["train", "--enviroment", "hopper"]) }
        for arguments in commands {
            do {
                _ = try MBMPO.parseAsRoot(arguments)
            } catch {
                let problem = "README: mbmpo \(arguments.joined(separator: " ")): \(MBMPO.message(for: error))"
                #expect(MBMPO.exitCode(for: error) == .success, "\(problem)")
            }
        }
    }
}
