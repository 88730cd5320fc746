import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes frames as `frame-000000.png`, `frame-000001.png`, … into a folder (created if missing).
public final class PNGFolderSink: FrameSink {
    public let folder: String
    public private(set) var count = 0

    /// Creates `folder` (and its parents) unless it exists; throws ``ImageWriteError`` if it is a file or cannot
    /// be made.
    public init(folder: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ImageWriteError(path: folder, reason: "it is a file, not a folder")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw ImageWriteError(path: folder, reason: "cannot create the folder")
            }
        }
        self.folder = folder
    }

    /// Path of frame number `index`.
    public func path(ofFrame index: Int) -> String {
        var number = "\(index)"
        while number.count < 6 { number = "0" + number }
        return (folder as NSString).appendingPathComponent("frame-\(number).png")
    }

    /// Writes `image` as the next numbered PNG file.
    public func write(_ image: Image) throws {
        try PNGEncoder.write(image, to: path(ofFrame: count))
        count += 1
    }

    /// Every frame is a complete file; what is left is to remove the frames of an earlier, longer rendering into the
    /// same folder (`frame-NNNNNN.png` numbered past this one's last), so that the folder holds this rendering only.
    /// Other files are left alone.
    public func finish() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix("frame-") && name.hasSuffix(".png") {
            let digits = name.dropFirst(6).dropLast(4)
            guard digits.count == 6, digits.allSatisfy(\.isASCII), let index = Int(digits), index >= count else {
                continue
            }
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }
}

/// Errors from the video encoder.
public enum VideoError: Error, Equatable, CustomStringConvertible {
    /// `ffmpeg` is not on PATH.
    case ffmpegMissing
    /// ffmpeg failed; the message is its last line of output.
    case ffmpegFailed(status: Int32, message: String)
    /// The finished video could not be renamed from its partial file to its path.
    case cannotMove(path: String, reason: String)

    public var description: String {
        switch self {
        case .ffmpegMissing:
            return "cannot write MP4: ffmpeg was not found on PATH; install it (apt-get install ffmpeg) or pass a "
                + "folder to --out to get PNG frames"
        case .ffmpegFailed(let status, let message):
            return "ffmpeg failed (exit \(status)): \(message)"
        case .cannotMove(let path, let reason):
            return "cannot move the finished video to \(path): \(reason)"
        }
    }
}

/// Pipes raw RGB frames into `ffmpeg`, which encodes them as H.264 in an MP4 file. ffmpeg writes a hidden partial
/// file beside `path` (`.NAME.part`, a name the run-folder cleanup of killed writers' `.NAME.PID.tmp` files leaves
/// alone), renamed over `path` once it has finished well: a render that fails or is abandoned leaves an existing
/// `path` as it was (ffmpeg truncates its output when it starts).
public final class VideoSink: FrameSink {
    public let path: String
    let temporary: String
    var renamed = false
    let process = Process()
    let input = Pipe()
    let errors = Pipe()
    let width: Int, height: Int
    var finished = false

    /// The full path of `ffmpeg` on PATH, or nil.
    public static func findFFmpeg() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/ffmpeg"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Starts ffmpeg (`encoder`, else the one on PATH) writing `path` from width × height RGB frames at
    /// `framesPerSecond`.
    public init(path: String, width: Int, height: Int, framesPerSecond: Double, encoder: String? = nil) throws {
        guard let ffmpeg = encoder ?? Self.findFFmpeg() else { throw VideoError.ffmpegMissing }
        (self.width, self.height) = (width, height)
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporary = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".part").path
        unlink(temporary)
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = [
            "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)",
            "-framerate", OverlayText.fixed(framesPerSecond, decimals: 3), "-i", "-",
            // H.264 in yuv420p needs even sizes
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            "-f", "mp4", temporary,
        ]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        // a dead ffmpeg must show up as a write error, not kill us with SIGPIPE
        signal(SIGPIPE, SIG_IGN)
        do { try process.run() } catch { throw VideoError.ffmpegFailed(status: -1, message: "\(error)") }
    }

    /// Sends `image`'s RGB bytes to ffmpeg; throws ``VideoError/ffmpegFailed(status:message:)`` if it has died.
    public func write(_ image: Image) throws {
        precondition(
            image.width == width && image.height == height && image.channels == 3,
            "video frames must be \(width)×\(height) RGB, "
                + "got \(image.width)×\(image.height)×\(image.channels)")
        let descriptor = input.fileHandleForWriting.fileDescriptor
        try image.pixels.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw stopAfterFailure() }
                offset += written
            }
        }
    }

    /// Closes ffmpeg's input, waits for it to write the file, and renames it over `path`; reports a failure.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw failure() }
        guard rename(temporary, path) == 0 else {
            throw VideoError.cannotMove(path: path, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }

    deinit {
        if !finished {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        if !renamed { unlink(temporary) }
    }

    /// Waits for a failed ffmpeg and describes its failure.
    func stopAfterFailure() -> VideoError {
        finished = true
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return failure()
    }

    func failure() -> VideoError {
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let last = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message"
        return .ffmpegFailed(status: process.terminationStatus, message: last)
    }
}

/// Collects frames and writes them side by side, left to right, as one PNG (a picture strip of an episode).
public final class PictureStripSink: FrameSink {
    public let path: String
    public private(set) var frames: [Image] = []

    public init(path: String) { self.path = path }

    /// Keeps `image` (every frame must have the first one's size).
    public func write(_ image: Image) throws {
        if let first = frames.first, first.width != image.width || first.height != image.height {
            throw ImageWriteError(path: path, reason: "frames of different sizes")
        }
        frames.append(image)
    }

    /// Writes the strip; nothing is written without frames.
    public func finish() throws {
        guard let strip = Self.strip(frames) else { return }
        try PNGEncoder.write(strip, to: path)
    }

    /// The frames side by side (nil for none).
    public static func strip(_ frames: [Image]) -> Image? {
        guard let first = frames.first else { return nil }
        let (width, height) = (first.width * frames.count, first.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for (index, frame) in frames.enumerated() {
            for row in 0..<height {
                let source = row * frame.width * 3
                let target = (row * width + index * frame.width) * 3
                pixels.replaceSubrange(
                    target..<target + frame.width * 3, with: frame.pixels[source..<source + frame.width * 3])
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }
}
