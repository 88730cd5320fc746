import Foundation
import Storage
import Testing

/// Atomic writes by two processes into one file: each fills its own temporary file, so neither removes the other's
/// half-written one, and the file is whole either way.
@Suite struct AtomicFileTests {
    @Test func eachProcessHasItsOwnTemporaryFile() throws {
        let folder = Fixture.folder()
        let path = folder.appendingPathComponent("score.json").path
        let other = AtomicFile.temporaryPath(for: path, process: getpid() + 1)
        let mine = AtomicFile.temporaryPath(for: path)
        #expect(mine != other)
        for name in [mine, other] {
            let url = URL(fileURLWithPath: name)
            // hidden, beside the file, and of the shape a run folder's cleanup of killed writers removes
            #expect(url.deletingLastPathComponent().path == folder.path)
            #expect(url.lastPathComponent.hasPrefix(".score.json.") && url.lastPathComponent.hasSuffix(".tmp"))
        }
        // another process is halfway through its write: this one's write leaves that file alone
        try Data("half".utf8).write(to: URL(fileURLWithPath: other))
        try AtomicFile.write(text: "{\"whole\": true}\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"whole\": true}\n")
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "half")
        #expect(!FileManager.default.fileExists(atPath: mine))
    }
}
