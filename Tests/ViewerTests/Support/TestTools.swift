import Foundation
import Viewer

/// Pixel statistics used to decide whether a frame shows something.
struct ImageStatistics {
    /// Standard deviation of the luminance (0…255).
    let luminanceDeviation: Double
    /// Number of distinct RGB colours.
    let distinctColors: Int

    init(_ image: Image) {
        var sum = 0.0, sumSquares = 0.0
        var colors = Set<UInt32>()
        let c = image.channels
        for i in 0..<image.width * image.height {
            let r = Double(image.pixels[i * c]), g = Double(image.pixels[i * c + 1])
            let b = Double(image.pixels[i * c + 2])
            let y = 0.299 * r + 0.587 * g + 0.114 * b
            sum += y
            sumSquares += y * y
            colors.insert(
                UInt32(image.pixels[i * c]) << 16 | UInt32(image.pixels[i * c + 1]) << 8
                    | UInt32(image.pixels[i * c + 2]))
        }
        let n = Double(image.width * image.height)
        luminanceDeviation = max(sumSquares / n - (sum / n) * (sum / n), 0).squareRoot()
        distinctColors = colors.count
    }
}

/// Where the robot's pixels lie in a body mask (body id per pixel, > 0 for robot bodies).
struct RobotFootprint {
    let fraction: Double
    let minX: Int, maxX: Int, minY: Int, maxY: Int
    let centroidX: Double, centroidY: Double

    init(mask: [Int], width: Int, height: Int) {
        var count = 0, sumX = 0, sumY = 0
        var (minX, maxX, minY, maxY) = (width, -1, height, -1)
        for y in 0..<height {
            for x in 0..<width where mask[y * width + x] > 0 {
                count += 1
                sumX += x
                sumY += y
                (minX, maxX, minY, maxY) = (min(minX, x), max(maxX, x), min(minY, y), max(maxY, y))
            }
        }
        fraction = Double(count) / Double(width * height)
        (self.minX, self.maxX, self.minY, self.maxY) = (minX, maxX, minY, maxY)
        centroidX = count > 0 ? Double(sumX) / Double(count) / Double(width) : -1
        centroidY = count > 0 ? Double(sumY) / Double(count) / Double(height) : -1
    }
}

/// Binary PPM (P6) reading and writing: the format of the stored reference frames, readable without a decoder.
enum PPM {
    static func encode(_ image: Image) -> Data {
        var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        return data
    }

    static func decode(_ data: Data) -> Image? {
        let bytes = [UInt8](data)
        var fields: [String] = [], index = 0, current = ""
        while fields.count < 4 && index < bytes.count {
            let ch = Character(UnicodeScalar(bytes[index]))
            index += 1
            if ch.isWhitespace {
                if !current.isEmpty { fields.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
            bytes.count - index == w * h * 3
        else { return nil }
        return Image(width: w, height: h, pixels: Array(bytes[index...]))
    }
}

/// Path of a file in this test target's Fixtures folder.
func fixturePath(_ name: String) -> String {
    // this file is Tests/ViewerTests/Support/TestTools.swift
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// The full path of `tool` on PATH, or nil.
func findOnPath(_ tool: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(folder)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs `executable` with `arguments`, returning its exit status and standard output plus error.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// A fresh temporary folder.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "mbmpo-viewer-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
