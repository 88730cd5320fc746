import Foundation
import Learner
import Testing

@testable import App

/// The paper preset's JSON is pinned by a checked-in snapshot (`MBMPO_RECORD=1` rewrites it).
@Suite struct ConfigurationSnapshotTests {
    @Test func paperPresetHalfCheetah() throws {
        let json = try ConfigurationFile.prettyJSON(ConfigurationInputs(environment: "half-cheetah").resolve()) + "\n"
        let snapshot = TestFiles.root.appendingPathComponent("Tests/AppTests/Snapshots/config-paper-half-cheetah.json")
        if TestFiles.recording {
            try json.write(to: snapshot, atomically: true, encoding: .utf8)
        }
        let expected = TestFiles.text(snapshot)
        #expect(json == expected, "the paper preset changed; if on purpose, rerun with MBMPO_RECORD=1")
        // the snapshot holds the paper's headline numbers
        let tree = try #require(JSONValue(parsing: expected))
        #expect(ConfigurationReference.value(at: ["meta", "metaBatchSize"], in: tree) == .integer(20))
        #expect(ConfigurationReference.value(at: ["meta", "stepsPerIteration"], in: tree) == .integer(30))
        #expect(
            ConfigurationReference.value(at: ["dynamics", "hiddenSizes"], in: tree)
                == .array([.integer(512), .integer(512)]))
    }
}
