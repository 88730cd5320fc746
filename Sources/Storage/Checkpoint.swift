import Core
import Foundation
import Learner

/// A training run saved between iterations: the complete trainer state and the progress rows logged so far.
public struct Checkpoint: Equatable, Sendable {
    /// Everything the trainer needs to continue.
    public var state: TrainingState
    /// One row per completed iteration (the rows of `progress.csv`).
    public var progress: [IterationLog]

    /// A checkpoint from its parts.
    public init(state: TrainingState, progress: [IterationLog]) {
        self.state = state
        self.progress = progress
    }
}

/// Reads and writes one checkpoint as an HDF5 file (schema in `docs/storage.md`).
///
/// Writing goes to a temporary file that is flushed and renamed, so a checkpoint is complete or absent. Every
/// dataset carries a CRC-32 that is verified on load, and the root records the format name and version.
public enum CheckpointFile {
    /// Value of the root attribute `format`.
    public static let format = "mbmpo-checkpoint"
    /// Value of the root attribute `format_version`; files of another version are refused.
    public static let version: Int64 = 1

    /// Writes `checkpoint` to `path` atomically (built in memory, sealed, then written, synced and renamed).
    public static func write(_ checkpoint: Checkpoint, to path: String) throws {
        let file = try HDF5File(creating: path, inMemory: true)
        try writeContents(checkpoint, into: file)
        let image = FileSeal.sealed(try file.closeToImage(), format: format)
        try AtomicFile.write(
            bytes: image, to: path, pauseAfterHalf: pauseRequest(iteration: checkpoint.state.iteration))
    }

    /// Reads the checkpoint at `path`, verifying its file seal (whole-file CRC-32, before HDF5 parses anything),
    /// format version and every dataset's CRC-32.
    public static func read(_ path: String) throws -> Checkpoint {
        try FileSeal.verify(path, format: format)
        let file = try HDF5File(opening: path)
        try file.checkFormat(format, version: version, kind: "checkpoint")
        let data = Checksummed(file: file)
        let configText = try data.getStrings(at: "config").first ?? ""
        let config: TrainingConfig
        do {
            config = try JSONDecoder().decode(TrainingConfig.self, from: Data(configText.utf8))
        } catch {
            throw StorageError.malformed(path: path, reason: "the stored configuration cannot be decoded")
        }
        let checkpoint = Checkpoint(state: try readState(data, config: config), progress: try readProgress(data))
        try file.close()
        return checkpoint
    }

    /// Reads only the root header and configuration (for quick checks of a run's checkpoints).
    public static func readConfiguration(_ path: String) throws -> TrainingConfig {
        try FileSeal.verify(path, format: format)
        let file = try HDF5File(opening: path)
        try file.checkFormat(format, version: version, kind: "checkpoint")
        let text = try Checksummed(file: file).getStrings(at: "config").first ?? ""
        guard let config = try? JSONDecoder().decode(TrainingConfig.self, from: Data(text.utf8)) else {
            throw StorageError.malformed(path: path, reason: "the stored configuration cannot be decoded")
        }
        return config
    }

    static func writeContents(_ checkpoint: Checkpoint, into file: HDF5File) throws {
        let state = checkpoint.state, data = Checksummed(file: file)
        try file.setAttribute("format", format)
        try file.setAttribute("format_version", version)
        try file.setAttribute("environment", state.config.environment)
        try file.setAttribute("algorithm", state.config.algorithm.rawValue)
        try file.setAttribute("iteration", Int64(state.iteration))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try data.put(strings: [String(decoding: try encoder.encode(state.config), as: UTF8.self)], at: "config")
        try data.put([state.iteration, state.loggedTimesteps, state.realSteps].map(Int64.init), at: "counters")
        try data.put([state.actionRNG.state], at: "rng/action")
        try data.put([state.imaginationRNG.state], at: "rng/imagination")
        try data.put(state.environmentGenerators.map(\.state), at: "rng/environments")
        try data.put(state.policyParameters, at: "policy/parameters")
        try writeAlgorithm(state.algorithm, of: state.config.algorithm, data)
        try writeProgress(checkpoint.progress, data)
        try writeEnsemble(state.ensemble, data)
    }

    /// Fault injection for the crash test: with `MBMPO_TEST_CHECKPOINT_PAUSE=ITERATION:SECONDS` set, the checkpoint
    /// after ITERATION iterations stops half-written in its temporary file for SECONDS, so that a test can kill the
    /// process in the middle of the write.
    static func pauseRequest(iteration: Int) -> Double? {
        guard let text = ProcessInfo.processInfo.environment["MBMPO_TEST_CHECKPOINT_PAUSE"] else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, Int(parts[0]) == iteration, let seconds = Double(parts[1]), seconds > 0 else {
            return nil
        }
        return seconds
    }
}
