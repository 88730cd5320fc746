import Foundation
import Learner
import Testing

@testable import App
@testable import TensorBoard

/// Our hand-written event files: CRC-32C against published vectors, protobuf bytes worked out by hand, and the
/// whole file read back by TensorBoard's own reader.
@Suite struct TensorBoardTests {
    /// RFC 3720 (iSCSI) appendix B.4 and the usual check value.
    /// Writers started within the same second (a quick resume) never replace each other's event file.
    @Test func eventFilesAreNeverOverwritten() throws {
        let folder = try TestFiles.temporaryFolder("tb-unique")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try TensorBoardWriter(folder: folder, now: now)
        var log = IterationLog()
        log.record("Iteration", 0)
        try first.append(log, now: now)
        let size = try FileManager.default.attributesOfItem(atPath: first.url.path)[.size] as? Int
        let writers = try (0..<3).map { _ in try TensorBoardWriter(folder: folder, now: now) }
        let names = Set(([first] + writers).map(\.url.lastPathComponent))
        #expect(names.count == 4)
        #expect(names.allSatisfy { $0.hasPrefix("events.out.tfevents.1700000000.") && $0.contains(".\(getpid()).") })
        #expect(try FileManager.default.attributesOfItem(atPath: first.url.path)[.size] as? Int == size)
    }

    @Test func crc32cKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// masked = rotr(crc, 15) + 0xa282ead8.
    @Test func maskedChecksum() {
        let crc: UInt32 = 0xE306_9283
        let rotated = (crc >> 15) | (crc << 17)
        #expect(CRC32C.masked(Array("123456789".utf8)) == rotated &+ 0xA282_EAD8)
    }

    /// Event{step: 300, summary{value{tag: "a", simple_value: 1.5}}} with wall_time 0, byte by byte.
    @Test func scalarEventBytes() {
        let bytes = TensorBoardEvent.scalars([(tag: "a", value: 1.5)], step: 300, wallTime: 0)
        let expected: [UInt8] = [
            0x09, 0, 0, 0, 0, 0, 0, 0, 0,  // field 1 (wall_time), fixed64: 0.0
            0x10, 0xAC, 0x02,  // field 2 (step), varint: 300 = 0b10_0101100
            0x2A, 0x0A,  // field 5 (summary), 10 bytes
            0x0A, 0x08,  // Summary field 1 (value), 8 bytes
            0x0A, 0x01, 0x61,  // Value field 1 (tag): "a"
            0x15, 0x00, 0x00, 0xC0, 0x3F,  // Value field 2 (simple_value), fixed32: 1.5f = 0x3FC00000
        ]
        #expect(bytes == expected)
        // a negative step is the 10-byte varint of its two's complement
        let negative = TensorBoardEvent.scalars([], step: -1, wallTime: 0)
        #expect(Array(negative[9..<21]) == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01] + [0x2A])
    }

    /// Record framing: length, masked CRC of the length, data, masked CRC of the data.
    @Test func recordFraming() {
        let data: [UInt8] = Array("brain".utf8)
        let record = TensorBoardEvent.record(data)
        #expect(record.count == 8 + 4 + data.count + 4)
        #expect(Array(record[0..<8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = UInt32(record[8]) | UInt32(record[9]) << 8 | UInt32(record[10]) << 16 | UInt32(record[11]) << 24
        #expect(lengthCRC == CRC32C.masked(record[0..<8]))
        #expect(Array(record[12..<17]) == data)
        let dataCRC = UInt32(record[17]) | UInt32(record[18]) << 8 | UInt32(record[19]) << 16 | UInt32(record[20]) << 24
        #expect(dataCRC == CRC32C.masked(data))
    }

    /// Whether TensorBoard's Python reader is installed (scripts/test.sh installs it).
    static let readerAvailable: Bool = (try? runPython(["-c", "import tensorboard"]).status) == 0

    /// Writes three iterations, then decodes the file with TensorBoard's reader (which checks every CRC).
    @Test(.enabled(if: readerAvailable, "needs python3 -m pip install tensorboard"))
    func tensorBoardReadsOurFile() throws {
        let folder = try TestFiles.temporaryFolder("tensorboard")
        let writer = try TensorBoardWriter(folder: folder, now: Date(timeIntervalSince1970: 1_700_000_000))
        var config = TrainingConfig.paper(.mbMPO, environment: "hopper")
        config.dynamics.hiddenSizes = [64, 32]
        try writer.appendConfiguration(config, now: Date(timeIntervalSince1970: 1_700_000_000))
        var logs: [IterationLog] = []
        for iteration in 0..<3 {
            var log = IterationLog()
            log.record("Iteration", Double(iteration))
            log.record("PrePolicy-AverageReturn", -12.25 + 100 * Double(iteration))
            log.record("Time-Itr", 0.1 + Double(iteration))
            log.record("n_timesteps", Double(5_000 + 4_000 * iteration))
            try writer.append(log, now: Date(timeIntervalSince1970: 1_700_000_000 + Double(iteration)))
            logs.append(log)
        }
        #expect(writer.url.lastPathComponent.hasPrefix("events.out.tfevents.1700000000."))
        let result = try Self.runPython([
            TestFiles.root.appendingPathComponent("scripts/read_tfevents.py").path,
            writer.url.path,
        ])
        #expect(result.status == 0, "\(result.output)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(decoded["file_version"] as? String == "brain.Event:2")
        let scalars = try #require(decoded["scalars"] as? [[Any]])
        #expect(scalars.count == 12)
        for (index, row) in scalars.enumerated() {
            let log = logs[index / 4]
            let key = log.keys[index % 4]
            #expect(row[0] as? String == TensorBoardWriter.tag(for: key))
            #expect((row[1] as? NSNumber)?.int64Value == Int64(log["n_timesteps"] ?? -1))
            #expect((row[2] as? NSNumber)?.floatValue == Float(log[key] ?? .nan))
            #expect((row[3] as? NSNumber)?.doubleValue == 1_700_000_000 + Double(index / 4))
        }
        #expect(
            scalars.map { $0[0] as? String ?? "" }.prefix(4) == [
                "progress/Iteration", "rollout/PrePolicy-AverageReturn", "time/Time-Itr", "progress/n_timesteps",
            ])
        // the configuration: as Markdown text, and every setting as a hyperparameter of the HParams dashboard
        let texts = try #require(decoded["texts"] as? [String: String])
        #expect(texts["config"]?.hasPrefix("```json\n{") == true)
        #expect(texts["config"]?.contains("\"physicsTimestep\" : 0.004") == true)
        let hparams = try #require(decoded["hparams"] as? [String: Any])
        #expect(hparams.count == ConfigurationSchema.fields.count)
        #expect((hparams["meta.trpo.maxKL"] as? NSNumber)?.doubleValue == 0.01)
        #expect(hparams["environment"] as? String == "hopper")
        #expect(hparams["dynamics.hiddenSizes"] as? String == "[64,32]")
        #expect(hparams["sampling.evaluate"] as? Bool == true)
        #expect(hparams["totalSteps"] as? String == "null")
        // one flipped byte in the last record's data is caught by the reader's CRC check
        var damaged = try Data(contentsOf: writer.url)
        damaged[damaged.count - 6] ^= 0x01
        try damaged.write(to: writer.url)
        let check = try Self.runPython([
            TestFiles.root.appendingPathComponent("scripts/read_tfevents.py").path,
            writer.url.path,
        ])
        #expect(check.status == 1)
        #expect(check.output.contains("crc32"))
    }

    /// Runs python3 with `arguments`; returns its exit status and standard output plus error.
    static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
