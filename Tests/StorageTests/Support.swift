import Core
import Foundation
import Learner
import Storage
import _TestSupport

/// Tiny point-mass trainers and scratch folders for the storage tests.
enum Fixture {
    static func config(_ algorithm: Algorithm, seed: UInt64 = 3, iterations: Int = 3) -> TrainingConfig {
        TinyTraining.config(algorithm, seed: seed, iterations: iterations)
    }

    static func trainer(_ config: TrainingConfig) -> any Trainer { TinyTraining.trainer(config) }

    /// A trainer after `iterations` iterations and its logs.
    static func trained(_ algorithm: Algorithm, iterations: Int) throws -> (any Trainer, [IterationLog]) {
        let trainer = Self.trainer(config(algorithm))
        let logs = try (0..<iterations).map { _ in try trainer.runIteration { _ in }.log }
        return (trainer, logs)
    }

    /// A fresh empty folder under the temporary directory.
    static func folder(_ name: String = #function) -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbmpo-storage-\(clean)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Progress rows without their wall-clock columns.
    static func values(_ logs: [IterationLog]) -> [[String: Double]] {
        logs.map { log in
            Dictionary(uniqueKeysWithValues: zip(log.keys, log.values).filter { !$0.0.hasPrefix("Time-") })
        }
    }
}
