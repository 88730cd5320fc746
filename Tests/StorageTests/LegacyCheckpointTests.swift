import Foundation
import Learner
import Storage
import Testing

/// Checkpoints written before algorithm state moved to `algorithm/<name>/` (by mbmpo 0d05b38: hopper, one
/// iteration of a tiny configuration) still load, with the same arrays under the same names.
@Suite("checkpoints of the earlier layout")
struct LegacyCheckpointTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test func mbMPOExplorationParametersLoad() throws {
        let checkpoint = try CheckpointFile.read(
            Self.fixtures.appendingPathComponent("legacy-mb-mpo-iter-0001.h5").path)
        let sets = try checkpoint.state.algorithm.array("exploration_parameters")
        #expect(checkpoint.state.config.algorithm == Algorithm.mbMPO && checkpoint.state.iteration == 1)
        #expect(sets.shape == [checkpoint.state.config.meta.metaBatchSize, checkpoint.state.policyParameters.count])
        // the first value as h5py reads it from mbmpo/exploration_parameters
        #expect(abs(sets.values[0] + 0.31896186) < 5e-9)
        try roundTrip(checkpoint)
    }

    @Test func meTRPOBaselineLoads() throws {
        let checkpoint = try CheckpointFile.read(
            Self.fixtures.appendingPathComponent("legacy-me-trpo-iter-0001.h5").path)
        let state = checkpoint.state.algorithm
        #expect(checkpoint.state.config.algorithm == Algorithm.meTRPO)
        #expect(try state.array("baseline/regularization").values == [1e-5])
        let observationSize = checkpoint.state.ensemble.buffer.observationSize
        let features = LinearFeatureBaseline.featureCount(observationSize: observationSize)
        #expect(try state.array("baseline/coefficients").shape == [features])
        try roundTrip(checkpoint)
    }

    /// Written again (today's layout), the checkpoint reads back equal, its arrays under `algorithm/<name>/`.
    func roundTrip(_ checkpoint: Checkpoint) throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbmpo-legacy-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("iter-0001.h5").path
        try CheckpointFile.write(checkpoint, to: path)
        let again = try CheckpointFile.read(path)
        #expect(again.state == checkpoint.state)
        #expect(again.progress == checkpoint.progress)
        let file = try HDF5File(opening: path)
        let name = checkpoint.state.config.algorithm.rawValue
        for key in checkpoint.state.algorithm.arrays.keys { #expect(file.isDataset("algorithm/\(name)/\(key)")) }
        #expect(!file.exists("mbmpo") && !file.exists("metrpo"))
    }
}
